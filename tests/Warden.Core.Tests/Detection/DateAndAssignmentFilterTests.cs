using System.Text;
using Warden.Core.Detection;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// The cheap checks that let the date and assignment scans skip work must never reject what the exact check accepts:
/// generated inputs full of near-misses, non-ASCII letters that case-fold to ASCII (long s, dotless i, Kelvin sign) and
/// case variants.
/// </summary>
public sealed class DateAndAssignmentFilterTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 200).Select(i => new object[] { i });

    private static string Generate(int seed, string[] parts)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (var i = rng.Next(1, 14); i > 0; i--)
        {
            sb.Append(parts[rng.Next(parts.Length)]);
        }

        return sb.ToString();
    }

    private static readonly string[] DateParts =
    [
        "January", "jan", "FEB", "Mar.", "apr", "May", "june", "JUL", "aug", "Sept", "sep", "Oct", "nov", "Dec", "ſept", "ſep", "auguſt",
        "ja", "fe", "ma", "n", " ", " ", ", ", "1", "12", "31st", "2nd", " of ", "2024", "1999", "4111", "Ü", "K", "ı", "x", "\t", "\n",
    ];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MonthWindowFilter_GeneratedWindows_NeverRejectsAWindowThePatternMatches(int seed)
    {
        var window = Generate(seed, DateParts);
        if (DateTimeRecognizer.MonthDate().IsMatch(window))
        {
            Assert.True(DateTimeRecognizer.MayHoldMonthName(window), $"seed {seed}: {window}");
        }
    }

    [Fact]
    public void MonthWindowFilter_WindowsWithoutMonthNames_AreRejected()
    {
        Assert.False(DateTimeRecognizer.MayHoldMonthName("card 4111 1111"));
        Assert.False(DateTimeRecognizer.MayHoldMonthName("on port 5432"));
        Assert.True(DateTimeRecognizer.MayHoldMonthName("on 3 MARCH 2024"));
        Assert.True(DateTimeRecognizer.MayHoldMonthName("auguſt 2024"));
    }

    private static readonly string[] ValueParts =
    [
        "xxxx", "XxXx", "xxx", "here", "HERE", "hEre", "her", "example", "EXAMPLE", "exampl", "placeholder", "PlaceHolder", "place",
        "ſ", "ı", "İ", "K", "e", "x", "X", "h", "r", "a", "7", "#", "-", "_", "Ü", "ｈｅｒｅ",
    ];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void PlaceholderWords_GeneratedValues_MatchIgnoreCaseContains(int seed)
    {
        var v = Generate(seed, ValueParts);
        var expected = v.Contains("xxxx", StringComparison.OrdinalIgnoreCase) || v.Contains("here", StringComparison.OrdinalIgnoreCase)
            || v.Contains("example", StringComparison.OrdinalIgnoreCase) || v.Contains("placeholder", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(expected, v.AsSpan().IndexOfAny(SecretRecognizer.PlaceholderWords) >= 0);
    }

    private static readonly string[] AssignmentParts =
    [
        "pass", "PASS", "word", "wd", "phrase", "pw", "PWD", "d", "secret", "token", "key", "KEY", "api_", "credential", "s", "ſ", "Ｋ",
        "\"", "'", " ", "  ", "\t", "\n", "\u00A0", "\u2003", "=", ":", "=>", ":=", ",", ";", ")", "x", "Zx9#Lm2!Qp7w", "hunter2hunter2X",
        "es", "board", "ing", "_id", ".", "-",
    ];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void AssignmentStemFilter_GeneratedText_EveryPatternMatchHasAStemThatPasses(int seed)
    {
        var text = Generate(seed, AssignmentParts) + Generate(seed + 1000, AssignmentParts);
        var pattern = new System.Text.RegularExpressions.Regex(SecretPatterns.Assignment().ToString(),
            SecretPatterns.Assignment().Options & ~System.Text.RegularExpressions.RegexOptions.NonBacktracking);
        foreach (System.Text.RegularExpressions.Match m in pattern.Matches(text))
        {
            var passes = false;
            var span = text.AsSpan();
            for (var p = m.Index; p < m.Index + m.Length; p++)
            {
                passes |= span[p..(m.Index + m.Length)].IndexOfAny(SecretRecognizer.AssignmentStems) == 0 && SecretRecognizer.StemMayAssign(span, p);
            }

            Assert.True(passes, $"seed {seed}: match '{m.Value}' in: {text}");
        }
    }

    [Fact]
    public void AssignmentStemFilter_GeneratedTexts_HoldMatchesAndRejectedStems()
    {
        // Guards the property test above against texts without matches, and shows the filter rejects something.
        var pattern = SecretPatterns.Assignment();
        var matches = 0;
        var rejected = 0;
        foreach (var seed in Enumerable.Range(1, 200))
        {
            var text = Generate(seed, AssignmentParts) + Generate(seed + 1000, AssignmentParts);
            matches += pattern.Count(text);
            for (var p = text.AsSpan().IndexOfAny(SecretRecognizer.AssignmentStems); p >= 0; p = NextStem(text, p + 1))
            {
                rejected += SecretRecognizer.StemMayAssign(text, p) ? 0 : 1;
            }
        }

        Assert.True(matches > 50 && rejected > 50, $"{matches} matches, {rejected} rejected stems");
    }

    private static int NextStem(string text, int from)
    {
        var rel = text.AsSpan(from).IndexOfAny(SecretRecognizer.AssignmentStems);
        return rel < 0 ? -1 : from + rel;
    }

    [Theory]
    [InlineData("a single token, nested", false)]
    [InlineData("keyboard and tokens", false)]
    [InlineData("password=hunter2", true)]
    [InlineData("api_key = \"AKIA\"", true)]
    [InlineData("the token expires", true)]
    [InlineData("PASSWD:  x", true)]
    [InlineData("credentials\t'abc'", true)]
    public void AssignmentStemFilter_Examples(string text, bool expected)
    {
        var stem = text.AsSpan().IndexOfAny(SecretRecognizer.AssignmentStems);
        Assert.Equal(expected, SecretRecognizer.StemMayAssign(text, stem));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void DayMonthYearMatcher_DigitsAndSeparatorsWithoutDashes_FindsWhatWholeTextPatternFinds(int seed)
    {
        // Runs without '-' use the hand-written d/m/y matcher; the oracle is the backtracking pattern over the whole text.
        string[] joins = ["/", ".", " ", ":", "T", "Z", "+", "", "/", ".", "//", "./", "x", "t", "\n"];
        var rng = new Random(seed);
        var text = DifferentialText.DigitGroups(rng, rng.Next(1, 40), () => rng.Next(4) == 0 ? rng.Next(1, 8) : rng.Next(1, 4), joins);
        var r = new DateTimeRecognizer();
        var anchored = new List<Finding>();
        var whole = new List<Finding>();
        ((IRecognizer)r).Analyze(text, anchored);
        r.AnalyzeWholeText(text, whole, DifferentialText.Backtracking(r.PatternForTests));
        string[] Describe(List<Finding> f) => [.. f.Select(x => $"{x.Start}-{x.End}:{x.Score:F2}").Order(StringComparer.Ordinal)];
        Assert.True(Describe(whole).SequenceEqual(Describe(anchored)), $"seed {seed}: {text}");
    }

    [Theory]
    [InlineData("10.20.30.40", 8)]
    [InlineData("5/18/1956", 9)]
    [InlineData("31.01.24", 8)]
    [InlineData("1.2.123", 6)]
    [InlineData("123.4", 0)]
    public void DayMonthYearMatcher_Examples(string run, int length) => Assert.Equal(length, DateTimeRecognizer.DayMonthYearAt(run, 0));
}
