using PhoneNumbers;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// <see cref="PhoneValidity"/> must give exactly libphonenumber's answers: the parsed number of "+digits" (or the same
/// exception) and IsValidNumber, for every calling code, for numbers that start with each code's national prefix, with
/// zeros, with the example numbers of every region and type, and with random digits.
/// </summary>
public sealed class PhoneValidityTests
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static IEnumerable<object[]> CallingCodes() => Util.GetSupportedCallingCodes().Order().Select(c => new object[] { c });

    /// <summary>Compares parse and validity; true when the validity also came from the characters alone
    /// (<see cref="PhoneValidity.TryIsValidInternational"/>).</summary>
    private static bool AssertSameAsLibrary(string candidate)
    {
        PhoneNumber? expected = null;
        NumberParseException? expectedError = null;
        try
        {
            expected = Util.Parse(candidate, null);
        }
        catch (NumberParseException e)
        {
            expectedError = e;
        }

        PhoneNumber? actual = null;
        NumberParseException? actualError = null;
        try
        {
            actual = PhoneValidity.ParseInternational(candidate);
        }
        catch (NumberParseException e)
        {
            actualError = e;
        }

        Assert.True(expectedError?.ErrorType == actualError?.ErrorType, $"{candidate}: expected error {expectedError?.ErrorType}, got {actualError?.ErrorType}");
        if (expected is null)
        {
            return false;
        }

        Assert.True(expected.Equals(actual), $"{candidate}: expected {expected}, got {actual}");
        Assert.True(Util.IsValidNumber(expected) == PhoneValidity.IsValid(expected), $"{candidate}: validity differs");
        if (PhoneValidity.TryIsValidInternational(candidate, out var valid))
        {
            Assert.True(Util.IsValidNumber(expected) == valid, $"{candidate}: validity from the characters differs");
            return true;
        }

        return false;
    }

    [Theory]
    [MemberData(nameof(CallingCodes))]
    public void ParseAndValidate_NumbersOfEveryCallingCode_AgreeWithLibphonenumber(int code)
    {
        var rng = new Random(code);
        var region = Util.GetRegionCodeForCountryCode(code);
        var metadata = region == "001" ? Util.GetMetadataForNonGeographicalRegion(code) : Util.GetMetadataForRegion(region);
        var heads = new List<string> { "", "0", "00", "1", "9" };
        if (metadata?.NationalPrefix is { Length: > 0 } national)
        {
            heads.Add(national);
        }

        if (metadata?.NationalPrefixForParsing is { Length: > 0 } forParsing && forParsing.All(char.IsAsciiDigit))
        {
            heads.Add(forParsing);
        }

        var cc = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var head in heads)
        {
            for (var total = 7; total <= 15; total++)
            {
                var restLength = total - cc.Length - head.Length;
                if (restLength < 0)
                {
                    continue;
                }

                for (var k = 0; k < 4; k++)
                {
                    var rest = new string(Enumerable.Range(0, restLength).Select(_ => (char)('0' + rng.Next(10))).ToArray());
                    AssertSameAsLibrary("+" + cc + head + rest);
                }
            }
        }
    }

    [Fact]
    public void ParseAndValidate_ExampleNumbersOfEveryRegionAndType_AgreeWithLibphonenumber()
    {
        var checkedValid = 0;
        var covered = 0;
        foreach (var region in Util.GetSupportedRegions())
        {
            foreach (var type in Enum.GetValues<PhoneNumberType>())
            {
                if (Util.GetExampleNumberForType(region, type) is not { } example)
                {
                    continue;
                }

                var e164 = Util.Format(example, PhoneNumberFormat.E164);
                covered += AssertSameAsLibrary(e164) ? 1 : 0;
                checkedValid += Util.IsValidNumber(Util.Parse(e164, null)) ? 1 : 0;
            }
        }

        foreach (var code in Util.GetSupportedGlobalNetworkCallingCodes())
        {
            if (Util.GetExampleNumberForNonGeoEntity(code) is { } example)
            {
                AssertSameAsLibrary(Util.Format(example, PhoneNumberFormat.E164));
            }
        }

        Assert.True(checkedValid > 500, $"only {checkedValid} valid example numbers were compared");
        Assert.True(covered > 400, $"only {covered} candidates were validated from their characters");
    }

    [Fact]
    public void Validate_NationalNumbersParsedForEveryDefaultRegion_AgreeWithLibphonenumber()
    {
        var rng = new Random(17);
        var compared = 0;
        foreach (var region in PhoneRecognizer.DefaultRegions)
        {
            // The example numbers of the region (valid) and of the other regions (written nationally: mostly invalid here).
            var examples = PhoneRecognizer.DefaultRegions
                .SelectMany(r => Enum.GetValues<PhoneNumberType>().Select(t => Util.GetExampleNumberForType(r, t)))
                .OfType<PhoneNumber>()
                .Select(e => new string(Util.Format(e, PhoneNumberFormat.NATIONAL).Where(char.IsAsciiDigit).ToArray()));
            var randoms = Enumerable.Range(0, 200).Select(_ => new string(Enumerable.Range(0, rng.Next(7, 13)).Select(_ => (char)('0' + rng.Next(10))).ToArray()));
            foreach (var digits in examples.Concat(randoms).ToList())
            {
                PhoneNumber number;
                try
                {
                    number = Util.Parse(digits, region);
                }
                catch (NumberParseException)
                {
                    continue;
                }

                Assert.True(Util.IsValidNumber(number) == PhoneValidity.IsValid(number), $"{digits} in {region}: validity differs");
                compared++;
            }
        }

        Assert.True(compared > 10000, $"only {compared} numbers were compared");
    }

    [Theory]
    [InlineData("+12025550143")]
    [InlineData("+442079460958")]
    [InlineData("+4402079460958")]
    [InlineData("+390212345678")]
    [InlineData("+0012025550143")]
    [InlineData("+9991234567")]
    [InlineData("+12025550143x12")]
    [InlineData("+1 202 555 0143")]
    [InlineData("+79123456789")]
    [InlineData("+5491123456789")]
    public void ParseAndValidate_Edges_AgreeWithLibphonenumber(string candidate) => _ = AssertSameAsLibrary(candidate);
}
