using System.Text;
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
}
