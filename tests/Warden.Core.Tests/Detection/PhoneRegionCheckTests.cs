using System.Reflection;
using PhoneNumbers;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// <see cref="PhoneRegionCheck"/> (libphonenumber's number-type decision on a digit automaton of the region's patterns)
/// and <see cref="PhoneValidity.IsValid"/> built on it must give exactly libphonenumber's answers: the type of every
/// region and non-geographical entity for national numbers of every length from 2 to 17 and every leading digit (random,
/// the example numbers and the example numbers changed near their end), and IsValidNumber for such numbers of every
/// calling code.
/// </summary>
public sealed class PhoneRegionCheckTests
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>libphonenumber's own type decision for a national significant number and a region's metadata.</summary>
    private static readonly Func<string, PhoneMetadata, PhoneNumberType> TypeHelper =
        typeof(PhoneNumberUtil).GetMethod("GetNumberTypeHelper", BindingFlags.NonPublic | BindingFlags.Instance, [typeof(string), typeof(PhoneMetadata)])!
            .CreateDelegate<Func<string, PhoneMetadata, PhoneNumberType>>(Util);

    /// <summary>libphonenumber's own leading-digits test of a region (used to pick the region of a shared calling code).</summary>
    private static readonly MethodInfo LeadingDigits =
        typeof(PhoneMetadata).GetMethod("IsMatchLeadingDigits", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance, [typeof(string)])!;

    public static IEnumerable<object[]> Entities() =>
        Util.GetSupportedRegions().Order(StringComparer.Ordinal).Select(r => new object[] { r })
            .Concat(Util.GetSupportedGlobalNetworkCallingCodes().Order().Select(c => new object[] { c.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

    private static PhoneMetadata Metadata(string entity) =>
        int.TryParse(entity, System.Globalization.CultureInfo.InvariantCulture, out var code) ? Util.GetMetadataForNonGeographicalRegion(code) : Util.GetMetadataForRegion(entity);

    /// <summary>National numbers to compare for one region: random ones of every length and leading digit, the example
    /// numbers, and the example numbers with a digit near the end changed, dropped or added.</summary>
    private static List<string> Numbers(PhoneMetadata metadata, int seed)
    {
        var rng = new Random(seed);
        var numbers = new List<string>();
        for (var length = 2; length <= 17; length++)
        {
            for (var lead = 0; lead <= 9; lead++)
            {
                for (var k = 0; k < 4; k++)
                {
                    numbers.Add((char)('0' + lead) + new string(Enumerable.Range(1, length - 1).Select(_ => (char)('0' + rng.Next(10))).ToArray()));
                }
            }
        }

        PhoneNumberDesc[] descs =
        [
            metadata.GeneralDesc, metadata.FixedLine, metadata.Mobile, metadata.TollFree, metadata.PremiumRate, metadata.SharedCost,
            metadata.Voip, metadata.PersonalNumber, metadata.Pager, metadata.Uan, metadata.Voicemail,
        ];
        foreach (var example in descs.Where(d => d is { HasExampleNumber: true }).Select(d => d.ExampleNumber))
        {
            numbers.Add(example);
            for (var k = 0; k < 40; k++)
            {
                var chars = example.ToCharArray();
                chars[rng.Next(Math.Max(0, chars.Length - 6), chars.Length)] = (char)('0' + rng.Next(10));
                var changed = new string(chars);
                numbers.Add((k % 4) switch { 1 => changed[..^1], 2 => changed + rng.Next(10), 3 => changed[1..], _ => changed });
            }
        }

        return numbers.Where(n => n.Length is >= 1 and <= 17).ToList();
    }

    [Theory]
    [MemberData(nameof(Entities))]
    public void TypeOf_NationalNumbersOfEveryLengthAndLeadingDigit_AgreesWithLibphonenumber(string entity)
    {
        var metadata = Metadata(entity);
        if (PhoneRegionCheck.TryCreate(metadata) is not { } check)
        {
            // Not covered: PhoneValidity keeps libphonenumber's path (counted by the coverage test below).
            return;
        }

        var known = 0;
        foreach (var nsn in Numbers(metadata, entity.GetHashCode(StringComparison.Ordinal)))
        {
            var expected = TypeHelper(nsn, metadata);
            var actual = check.TypeOf(nsn, out var leading);
            Assert.True(expected == actual, $"{entity} {nsn}: expected {expected}, got {actual}");
            Assert.True(check.IsKnown(nsn, out var leadingToo) == (expected != PhoneNumberType.UNKNOWN) && leadingToo == leading, $"{entity} {nsn}: IsKnown differs");
            if (metadata.HasLeadingDigits)
            {
                Assert.True((bool)LeadingDigits.Invoke(metadata, [nsn])! == leading, $"{entity} {nsn}: leading digits differ");
            }

            known += expected == PhoneNumberType.UNKNOWN ? 0 : 1;
        }

        Assert.True(known > 0 || !metadata.GeneralDesc.HasExampleNumber, $"{entity}: no number of a known type was compared");
    }

    [Fact]
    public void TryCreate_EveryRegionAndEntity_CoversAlmostAll()
    {
        var entities = Entities().Select(e => (string)e[0]).ToList();
        var uncovered = entities.Where(e => PhoneRegionCheck.TryCreate(Metadata(e)) is null).ToList();
        Assert.True(uncovered.Count <= 5, $"not covered: {string.Join(", ", uncovered)}");
        foreach (var region in PhoneRecognizer.DefaultRegions)
        {
            Assert.DoesNotContain(region, uncovered);
        }
    }

    [Theory]
    [MemberData(nameof(CallingCodes))]
    public void IsValid_NumbersOfEveryCallingCode_AgreesWithLibphonenumber(int code)
    {
        var rng = new Random(code * 7919);
        var regions = Util.GetRegionCodesForCountryCode(code);
        var nationals = regions.SelectMany(r => Numbers(r == "001" ? Util.GetMetadataForNonGeographicalRegion(code) : Util.GetMetadataForRegion(r), code))
            .Distinct()
            .ToList();
        var covered = 0;
        foreach (var national in nationals)
        {
            var zeros = national.Length - national.TrimStart('0').Length;
            var builder = new PhoneNumber.Builder().SetCountryCode(code).SetNationalNumber(ulong.Parse(national, System.Globalization.CultureInfo.InvariantCulture));
            if (zeros > 0 && rng.Next(4) != 0)
            {
                builder.SetNumberOfLeadingZeros(zeros);
            }

            var number = builder.Build();
            var expected = Util.IsValidNumber(number);
            Assert.True(expected == PhoneValidity.IsValid(number), $"+{code} {national} (leading zeros {zeros}): validity differs, libphonenumber says {expected}");
            covered += PhoneValidity.TryIsValid(number, out _) ? 1 : 0;
        }

        Assert.True(covered > 0 || regions.Any(r => PhoneRegionCheck.TryCreate(r == "001" ? Util.GetMetadataForNonGeographicalRegion(code) : Util.GetMetadataForRegion(r)) is null), $"+{code}: nothing went through the checks");
    }

    public static IEnumerable<object[]> CallingCodes() => Util.GetSupportedCallingCodes().Order().Select(c => new object[] { c });

    [Fact]
    public void NationalSignificantNumber_ParsedAndBuiltNumbers_AgreeWithLibphonenumber()
    {
        var rng = new Random(5);
        var numbers = new List<PhoneNumber>();
        foreach (var region in PhoneRecognizer.DefaultRegions.Append("IT").Append("SM").Append("VA"))
        {
            for (var k = 0; k < 200; k++)
            {
                var digits = new string(Enumerable.Range(0, rng.Next(5, 14)).Select(i => (char)('0' + (i < 2 && rng.Next(3) == 0 ? 0 : rng.Next(10)))).ToArray());
                try
                {
                    numbers.Add(Util.Parse(digits, region));
                }
                catch (NumberParseException)
                {
                }
            }
        }

        for (var zeros = 0; zeros <= 3; zeros++)
        {
            numbers.Add(new PhoneNumber.Builder().SetCountryCode(39).SetNationalNumber(612345).SetNumberOfLeadingZeros(zeros).Build());
#pragma warning disable CS0618 // the obsolete flag is part of what a number can carry
            numbers.Add(new PhoneNumber.Builder().SetCountryCode(39).SetNationalNumber(612345).SetItalianLeadingZero(zeros > 0).Build());
#pragma warning restore CS0618
        }

        Assert.Contains(numbers, n => Util.GetNationalSignificantNumber(n).StartsWith('0'));
        Span<char> nsn = stackalloc char[32];
        foreach (var number in numbers)
        {
            var expected = Util.GetNationalSignificantNumber(number);
            Assert.True(PhoneValidity.TryNationalSignificantNumber(number, nsn, out var length), $"{number}: refused");
            Assert.Equal(expected, new string(nsn[..length]));
        }
    }
}
