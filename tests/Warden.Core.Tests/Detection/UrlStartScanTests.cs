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
                UrlRecognizer.StartMayMatchReference(run, hasScheme) == UrlRecognizer.StartMayMatchForTests(run, hasScheme),
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
        Assert.Equal(expected, UrlRecognizer.StartMayMatchReference(run, true));
        Assert.Equal(expected, UrlRecognizer.StartMayMatchForTests(run, true));
        Assert.Equal(UrlRecognizer.StartMayMatchReference(run, false), UrlRecognizer.StartMayMatchForTests(run, false));
    }
}
