using PhoneNumbers;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// libphonenumber's validity verdict, with two shortcuts that give exactly its answer (differential tests compare them
/// with <see cref="PhoneNumberUtil.Parse(string, string)"/> and <see cref="PhoneNumberUtil.IsValidNumber"/> for every
/// calling code). libphonenumber stays the only authority: the shortcuts only skip work whose outcome is known.
/// <list type="bullet">
/// <item><b>Parsing "+digits"</b> (<see cref="ParseInternational"/>): for '+' and 7 to 15 ASCII digits, Parse takes the
/// country calling code as the first one to three digits that name one, and keeps the rest as the national number unless
/// the region's national prefix for parsing matches at its start, or it starts with '0' (the Italian leading zero). When
/// that prefix is plain digits that the rest does not start with, and the rest does not start with '0', the number is
/// built directly; anything else (a prefix that is a pattern, a leading zero, an unknown code) goes through Parse.</item>
/// <item><b>Validating numbers of shared calling codes</b> (<see cref="IsValid"/>): IsValidNumber first looks for the
/// number's region: for a code shared by several regions (+1 for the NANPA, +44, +7, …) it tries them in order, and the
/// first (main) region, when it has no leading-digits pattern, is chosen exactly when the number's type in it is known,
/// which is also all that <see cref="PhoneNumberUtil.IsValidNumberForRegion"/> checks. So a number valid for the main
/// region is valid, found with one type lookup instead of two (the same lookup ran twice); any other number gets the
/// full IsValidNumber.</item>
/// </list>
/// </summary>
internal static class PhoneValidity
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>Per calling code (0–999): the national prefix for parsing when it is plain digits or absent (""), else null.</summary>
    private static readonly string?[] PlainPrefixes = new string?[1000];

    /// <summary>Per calling code: true when it is a calling code libphonenumber knows.</summary>
    private static readonly bool[] Known = new bool[1000];

    /// <summary>Per calling code: the main region, when the code is shared and the main region has no leading digits.</summary>
    private static readonly string?[] SharedMain = new string?[1000];

    static PhoneValidity()
    {
        foreach (var code in Util.GetSupportedCallingCodes())
        {
            if (code is <= 0 or >= 1000)
            {
                continue;
            }

            Known[code] = true;
            var region = Util.GetRegionCodeForCountryCode(code);
            var metadata = region == "001" ? Util.GetMetadataForNonGeographicalRegion(code) : Util.GetMetadataForRegion(region);
            if (metadata is null)
            {
                continue;
            }

            var prefix = metadata.NationalPrefixForParsing ?? "";
            PlainPrefixes[code] = prefix.All(char.IsAsciiDigit) ? prefix : null;
            var regions = Util.GetRegionCodesForCountryCode(code);
            if (regions.Count > 1 && regions[0] == region && region != "001" && !metadata.HasLeadingDigits)
            {
                SharedMain[code] = region;
            }
        }
    }

    /// <summary>Exactly <c>Util.IsValidNumber(number)</c>.</summary>
    public static bool IsValid(PhoneNumber number)
    {
        var code = number.CountryCode;
        if (code is > 0 and < 1000 && SharedMain[code] is { } main && Util.IsValidNumberForRegion(number, main))
        {
            return true;
        }

        return Util.IsValidNumber(number);
    }

    /// <summary>
    /// Exactly <c>Util.Parse(candidate, null)</c> for a candidate of '+' and ASCII digits only (throws
    /// <see cref="NumberParseException"/> where Parse does, by calling it).
    /// </summary>
    public static PhoneNumber ParseInternational(string candidate)
    {
        if (TryBuild(candidate.AsSpan(), out var number))
        {
            return number;
        }

        return Util.Parse(candidate, null);
    }

    private static bool TryBuild(ReadOnlySpan<char> candidate, out PhoneNumber number)
    {
        number = null!;
        if (candidate.Length is < 8 or > 16 || candidate[0] != '+' || candidate[1..].ContainsAnyExceptInRange('0', '9') || candidate[1] == '0')
        {
            return false;
        }

        var digits = candidate[1..];
        var code = 0;
        var codeLength = 0;
        for (var i = 1; i <= 3; i++)
        {
            var c = (code * 10) + (digits[i - 1] - '0');
            code = c;
            if (Known[c])
            {
                codeLength = i;
                break;
            }
        }

        if (codeLength == 0)
        {
            return false;
        }

        var national = digits[codeLength..];
        if (national.Length < 2 || national[0] == '0' || PlainPrefixes[code] is not { } prefix || (prefix.Length > 0 && national.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return false;
        }

        number = new PhoneNumber.Builder().SetCountryCode(code).SetNationalNumber(ulong.Parse(national, System.Globalization.CultureInfo.InvariantCulture)).Build();
        return true;
    }
}
