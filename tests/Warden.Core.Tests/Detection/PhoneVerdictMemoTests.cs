using System.Text;
using Warden.Core.Detection;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// The phone recognizer keeps libphonenumber's verdict per normalized number within one call: a text in which numbers
/// come back (in other spellings, with and without "001", extensions, context words) must get exactly the findings it
/// gets when every candidate is parsed.
/// </summary>
public sealed class PhoneVerdictMemoTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 150).Select(i => new object[] { i });

    private static readonly string[] Numbers =
    [
        "+1-202-555-0143", "+1 202 555 0143", "+12025550143", "(202) 555-0143", "202-555-0143", "202.555.0143", "2025550143",
        "001 202 555 0143", "00 1 202 555 0143", "0012025550143", "001-202-555-0143", "+44 20 7946 0958", "020 7946 0958",
        "0044 20 7946 0958", "+49 30 901820", "030 901820", "+33 1 42 68 53 00", "01 42 68 53 00", "(505)498-8487x6837",
        "505-498-8487 ext. 12", "+1-202-555-0143 x12", "+1 999 555 0143", "123-4567", "555-0143-99", "+41 44 668 18 00",
        "044 668 18 00", "0041446681800", "+61 2 9374 4000", "(02) 9374 4000", "10.20.30.40", "2024-01-31", "+7 000 000 00 00",
    ];

    private static readonly string[] Glue = [" ", ", ", "\n", " call ", " phone: ", " id ", "; ", " and the number ", " x", "/", "-"];

    private static string Generate(int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (var i = rng.Next(1, 40); i > 0; i--)
        {
            sb.Append(Numbers[rng.Next(Numbers.Length)]).Append(Glue[rng.Next(Glue.Length)]);
        }

        return sb.ToString();
    }

    private static string[] Findings(PhoneRecognizer r, string text)
    {
        var found = new List<Finding>();
        ((IRecognizer)r).Analyze(text, found);
        return found.Select(f => $"{f.Start}-{f.End}:{f.Score:F2}:{text[f.Start..f.End]}").ToArray();
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Memo_RepeatedNumbers_FindsWhatParsingEveryCandidateFinds(int seed)
    {
        var text = Generate(seed);
        var expected = Findings(new PhoneRecognizer { RemembersVerdicts = false }, text);
        var actual = Findings(new PhoneRecognizer(), text);
        Assert.True(expected.SequenceEqual(actual), $"{text}\nexpected {string.Join(" | ", expected)}\nactual   {string.Join(" | ", actual)}");
    }

    [Fact]
    public void Memo_SameDigitsWithAndWithout001_KeepTheirOwnVerdicts()
    {
        // "001 …" takes the Swiss/international path, "00 1 …" the regional one: the same normalized digits, two verdicts.
        const string text = "001 202 555 0143 and 00 1 202 555 0143 and 001 202 555 0143 and 00 1 202 555 0143";
        var expected = Findings(new PhoneRecognizer { RemembersVerdicts = false }, text);
        Assert.Equal(expected, Findings(new PhoneRecognizer(), text));
        Assert.NotEmpty(expected);
    }
}
