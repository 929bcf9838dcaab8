using Warden.Core.Detection;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// The vectorized scans every call shares (digit runs, anchors followed by more of a key) against character-by-character
/// references, on random texts whose lengths cross the vector block sizes; and the Discord pre-check against the pattern.
/// </summary>
public sealed class SharedScanTests
{
    /// <summary>ASCII digits, their neighbours ('/' and ':'), non-ASCII digits, letters, blanks and the highest code unit.</summary>
    private const string Alphabet = "0123456789/:a \n\u0663\uFF10\uFFFF.";

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 20).Select(i => new object[] { i });

    private static string RandomText(Random rng, string alphabet, int maxLength)
    {
        var chars = new char[rng.Next(0, maxLength)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[rng.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void DigitRuns_RandomText_AreTheMaximalAsciiDigitRuns(int seed)
    {
        var rng = new Random(seed);
        for (var n = 0; n < 500; n++)
        {
            var text = RandomText(rng, Alphabet, 150);
            var expected = new List<(int, int)>();
            for (var i = 0; i < text.Length;)
            {
                if (!char.IsAsciiDigit(text[i]))
                {
                    i++;
                    continue;
                }

                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                expected.Add((start, i));
            }

            var runs = DigitRuns.For(text);
            var actual = Enumerable.Range(0, runs.Count).Select(k => (runs.Start(k), runs.End(k))).ToList();
            Assert.True(expected.SequenceEqual(actual), $"seed {seed}: \"{text}\"");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void FollowedAnchors_RandomText_FindsTheFirstAnchorNotFollowedByABlank(int seed)
    {
        var rng = new Random(seed);
        foreach (var anchors in new[] { ".", ":", ".:-" })
        {
            for (var n = 0; n < 300; n++)
            {
                var text = RandomText(rng, "a.:- \n\t\r", 70);
                var expected = -1;
                for (var i = 0; i + 1 < text.Length; i++)
                {
                    if (anchors.Contains(text[i], StringComparison.Ordinal) && text[i + 1] is not (' ' or '\n' or '\r' or '\t'))
                    {
                        expected = i;
                        break;
                    }
                }

                Assert.True(expected == FollowedAnchors.IndexOf(text, anchors), $"seed {seed}, anchors \"{anchors}\": \"{text}\"");
            }
        }
    }

    [Theory]
    [InlineData("see config.v1.2 and M" + "abcdefghijklmnopqrstuvw" + ".abcdef." + "abcdefghijklmnopqrstuvwxyz0", "discord_bot_token")]
    [InlineData("x.y.z.M" + "abcdefghijklmnopqrstuvw" + ".abcdef." + "abcdefghijklmnopqrstuvwxyz0.q", "discord_bot_token")]
    [InlineData("M" + "abcdefghijklmnopqrstu" + ".abcdef." + "abcdefghijklmnopqrstuvwxyz0", null)]
    [InlineData("M" + "abcdefghijklmnopqrstuvw" + ".abcde." + "abcdefghijklmnopqrstuvwxyz0", null)]
    [InlineData("files a.txt b.json c.tar.gz in www.example.com.", null)]
    public void DiscordScan_DottedRuns_FindsWhatThePatternFinds(string text, string? kind)
    {
        var found = new List<Finding>();
        new SecretRecognizer().Analyze(text, found);
        var expected = SecretPatterns.Discord().EnumerateMatches(text).MoveNext();
        Assert.Equal(kind is not null, expected);
        Assert.Equal(kind, found.SingleOrDefault().Kind);
    }

    [Fact]
    public void DiscordFirstDot_EveryDotOfAMatch_OnlyTheFirstQualifies()
    {
        const string key = "M" + "abcdefghijklmnopqrstuvw" + ".abcdef." + "abcdefghijklmnopqrstuvwxyz0";
        var first = key.IndexOf('.', StringComparison.Ordinal);
        Assert.True(SecretRecognizer.DiscordFirstDotAt(key, first));
        Assert.False(SecretRecognizer.DiscordFirstDotAt(key, first + 7));
        Assert.False(SecretRecognizer.DiscordFirstDotAt("a." + key[2..], 1));
    }
}
