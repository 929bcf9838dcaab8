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
/// <item><b>Validating</b> (<see cref="IsValid"/>): IsValidNumber finds the number's region (the code's only region, or
/// for a code shared by several regions (+1 for the NANPA, +44, +7, …) the first in libphonenumber's order whose
/// leading-digits pattern matches a prefix of the national significant number, or, for a region without one, whose type
/// for the number is known), then the verdict is whether the number's type is known in that region. The same steps run
/// here with each region's type decision on a small digit automaton of its own patterns (<see cref="PhoneRegionCheck"/>,
/// built on first use) instead of libphonenumber's interpreted regexes. A calling code with a region whose metadata the
/// automaton does not cover, and any number outside the plain shape (a national significant number over 17 digits or
/// with more than 10 leading zeros), get libphonenumber's IsValidNumber.</item>
/// </list>
/// </summary>
internal static class PhoneValidity
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>Per calling code (0–999): the national prefix for parsing when it is plain digits or absent (""), else null.</summary>
    private static readonly string?[] PlainPrefixes = new string?[1000];

    /// <summary>Per calling code: true when it is a calling code libphonenumber knows.</summary>
    private static readonly bool[] Known = new bool[1000];

    /// <summary>Per calling code: its regions in libphonenumber's order, with their checks once built.</summary>
    private static readonly CodeRegions?[] Regions = new CodeRegions?[1000];

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
            Regions[code] = new CodeRegions(code, [.. Util.GetRegionCodesForCountryCode(code)]);
        }
    }

    /// <summary>Exactly <c>Util.IsValidNumber(number)</c>.</summary>
    public static bool IsValid(PhoneNumber number) => TryIsValid(number, out var valid) ? valid : Util.IsValidNumber(number);

    /// <summary>
    /// libphonenumber's IsValidNumber through the region checks; false when this number or its calling code is not
    /// covered (then <paramref name="valid"/> means nothing).
    /// </summary>
    internal static bool TryIsValid(PhoneNumber number, out bool valid)
    {
        valid = false;
        Span<char> nsn = stackalloc char[32];
        return TryNationalSignificantNumber(number, nsn, out var length) && TryIsValid(number.CountryCode, nsn[..length], out valid);
    }

    /// <summary>
    /// Exactly <c>Util.IsValidNumber(Util.Parse(candidate, null))</c> for a candidate of '+' and ASCII digits that the
    /// shortcut of <see cref="ParseInternational"/> covers (false: not covered, call those instead). Nothing is allocated:
    /// such a number has no leading zero, so its national significant number is the digits after the calling code.
    /// </summary>
    public static bool TryIsValidInternational(ReadOnlySpan<char> candidate, out bool valid)
    {
        valid = false;
        return TrySplit(candidate, out var code, out var national) && TryIsValid(code, national, out valid);
    }

    /// <summary>IsValidNumber for the number of calling code <paramref name="code"/> and national significant number
    /// <paramref name="nsn"/> (at most 17 ASCII digits); false when the code or one of its regions is not covered.</summary>
    private static bool TryIsValid(int code, ReadOnlySpan<char> nsn, out bool valid)
    {
        valid = false;
        if (code is <= 0 or >= 1000 || Regions[code] is not { } regions)
        {
            return false;
        }

        var names = regions.Names;
        if (names.Length == 1)
        {
            if (regions.Check(0) is not { } only)
            {
                return false;
            }

            valid = only.IsKnown(nsn, out _);
            return true;
        }

        // A shared code: the region is the first whose leading digits match or, without leading digits, whose type is
        // known; the verdict is then whether the type is known there. No region: invalid.
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i] == "001" || regions.Check(i) is not { } check)
            {
                return false;
            }

            var known = check.IsKnown(nsn, out var leading);
            if (check.HasLeadingDigits ? leading : known)
            {
                valid = known;
                return true;
            }
        }

        return true;
    }

    /// <summary>
    /// libphonenumber's national significant number (GetNationalSignificantNumber: the leading zeros, if any, then the
    /// national number), when it has at most 17 digits. A number with a leading zero goes through libphonenumber's own
    /// method (this port folds the Italian leading zero into the count of zeros); without one it is the national number.
    /// </summary>
    internal static bool TryNationalSignificantNumber(PhoneNumber number, Span<char> nsn, out int length)
    {
        length = 0;
#pragma warning disable CS0618 // ItalianLeadingZero: read only to send any number with a leading zero to libphonenumber's method
        if (number.HasNumberOfLeadingZeros || number.HasItalianLeadingZero || number.ItalianLeadingZero)
#pragma warning restore CS0618
        {
            var written = Util.GetNationalSignificantNumber(number);
            if (written.Length > 17 || written.AsSpan().ContainsAnyExceptInRange('0', '9'))
            {
                return false;
            }

            written.CopyTo(nsn);
            length = written.Length;
            return true;
        }

        if (!number.NationalNumber.TryFormat(nsn, out length, default, System.Globalization.CultureInfo.InvariantCulture))
        {
            return false;
        }

        return length <= 17;
    }

    /// <summary>The regions of one calling code and their checks, each built on first use (null inside: not covered).</summary>
    private sealed class CodeRegions(int code, string[] names)
    {
        private readonly Built?[] _checks = new Built?[names.Length];

        public string[] Names { get; } = names;

        public PhoneRegionCheck? Check(int i)
        {
            if (Volatile.Read(ref _checks[i]) is { } built)
            {
                return built.Check;
            }

            var region = Names[i];
            var metadata = region == "001" ? Util.GetMetadataForNonGeographicalRegion(code) : Util.GetMetadataForRegion(region);

            // IsValidNumberForRegion refuses a region of another calling code; the code's own regions never are.
            var check = metadata is not null && (region == "001" || metadata.CountryCode == code) ? PhoneRegionCheck.TryCreate(metadata) : null;
            Volatile.Write(ref _checks[i], new Built(check));
            return check;
        }

        /// <summary>A built (or refused) check.</summary>
        private sealed record Built(PhoneRegionCheck? Check);
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
        if (!TrySplit(candidate, out var code, out var national))
        {
            return false;
        }

        number = new PhoneNumber.Builder().SetCountryCode(code).SetNationalNumber(ulong.Parse(national, System.Globalization.CultureInfo.InvariantCulture)).Build();
        return true;
    }

    /// <summary>The calling code and national number Parse finds in "+digits", when the shortcut covers the candidate.</summary>
    private static bool TrySplit(ReadOnlySpan<char> candidate, out int code, out ReadOnlySpan<char> national)
    {
        code = 0;
        national = default;
        if (candidate.Length is < 8 or > 16 || candidate[0] != '+' || candidate[1..].ContainsAnyExceptInRange('0', '9') || candidate[1] == '0')
        {
            return false;
        }

        var digits = candidate[1..];
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

        national = digits[codeLength..];
        return national.Length >= 2 && national[0] != '0' && PlainPrefixes[code] is { } prefix && (prefix.Length == 0 || !national.StartsWith(prefix, StringComparison.Ordinal));
    }
}
