using System.Text;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// The URL recognizer's start stage jumps from one allowed start to the next with vectorized searches: it must answer
/// exactly what the position-by-position stage answers, on runs dense in the characters that allow or refuse a start,
/// domain characters, dots before top-level domains, schemes and characters outside ASCII.
/// </summary>
public sealed class UrlStartScanTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 400).Select(i => new object[] { i });

    private static readonly string[] Pieces =
    [
        "a", "Z", "7", "-", ".", "_", "/", "@", ":", "=", "#", "!", "(", ")", "?", "&", "%", "+", ".com", ".co", ".io", ".uk",
        ".xx", ".lo", "http://", "https://", "wss://", "ftp:/", "://", "www", "example", "db.internal", "é", "ß", "€", "٣", "\u00a0",
    ];

    private static string Generate(int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (var i = rng.Next(1, 40); i > 0; i--)
        {
            sb.Append(Pieces[rng.Next(Pieces.Length)]);
        }

        return sb.ToString();
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void StartStage_RandomRuns_AnswersWhatThePositionByPositionStageAnswers(int seed)
    {
        var run = Generate(seed);
        foreach (var hasScheme in new[] { false, true })
        {
            Assert.True(
                StartMayMatchReference(run, hasScheme) == UrlRecognizer.StartMayMatch(run, hasScheme),
                $"{run} (scheme {hasScheme})");
        }
    }

    [Theory]
    [InlineData("DATABASE_URL=postgres://app:Zx9#Lm2!Qp7w@db.internal:5432/app", false)]
    [InlineData("jordan.miller@example.com", true)]
    [InlineData("x=http://a.b", true)]
    [InlineData("é.com", true)]
    [InlineData("aé.com", true)]
    [InlineData("a@b.com", false)]
    [InlineData("/a.com", false)]
    public void StartStage_Edges_AnswersWhatThePositionByPositionStageAnswers(string run, bool expected)
    {
        Assert.Equal(expected, StartMayMatchReference(run, true));
        Assert.Equal(expected, UrlRecognizer.StartMayMatch(run, true));
        Assert.Equal(StartMayMatchReference(run, false), UrlRecognizer.StartMayMatch(run, false));
    }

    /// <summary>The second stage as first written, one position at a time (the oracle of the differential tests; kept here, not in the recognizer).</summary>
    private static bool StartMayMatchReference(ReadOnlySpan<char> run, bool hasScheme)
    {
        var checkedTo = 0;
        for (var p = 0; p < run.Length; p++)
        {
            var c = run[p];
            if (!char.IsAsciiLetterOrDigit(c) && c <= 0x7F)
            {
                continue;
            }

            if (p > 0 && (char.IsLetterOrDigit(run[p - 1]) || run[p - 1] is '@' or '.' or '-' or '_' or '/'))
            {
                continue;
            }

            if (hasScheme && UrlRecognizer.SchemeAt(run[p..]))
            {
                return true;
            }

            var q = Math.Max(p, checkedTo);
            for (; q < run.Length && (char.IsAsciiLetterOrDigit(run[q]) || run[q] is '-' or '.' || run[q] > 0x7F); q++)
            {
                if (run[q] == '.' && UrlRecognizer.TopLevelDomainAt(run[(q + 1)..]))
                {
                    return true;
                }
            }

            checkedTo = q;
        }

        return false;
    }
}
