using System.Text.RegularExpressions;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// The hand matcher of the URL pattern (<see cref="UrlRecognizer.NextMatch"/>, used on ASCII windows) against the regex
/// itself: every match position and length, over random windows built from the pattern's pieces and near-misses (schemes
/// cut short, "://" with fewer than two characters, top-level domains that are prefixes of each other or of longer words,
/// dots and dashes in every place, ports of every length, paths, e-mail addresses) and over random character soup,
/// with windows that start and end mid-URL.
/// </summary>
public sealed class UrlMatchTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 400).Select(i => new object[] { i });

    private static readonly string[] Parts =
    [
        "http", "https", "HTTPS", "Http", "ftp", "FTP", "ws", "wss", "WsS", "htt", "://", ":/", ":", "//", "/", "www.", "WWW.", "www", "ww.",
        ".", ".", ".", "..", "-", "-", "--", "com", "COM", "co", "Co", "mil", "miller", "info", "in", "int", "io", "online", "onl", "xyz",
        "uk", "jp", "cloud", "tech", "site", "sit", "ee", "e", "a", "b1", "x", "Z", "0", "9", "example", "jordan", "@", "/path", "/a?q=1#f",
        ":80", ":8080", ":123456", ":1", ":1a", "?", "#", " ", "\t", "\n", "\r", "\v", "\f", "<", ">", "\"", "'", "`", "(", ")", "[", "]",
        "_", "%", "+", "12345", ",", ";", "!", "*", "~", "\u001C", "\u007F",
    ];

    private const string SoupAlphabet = "wWcCoOmMhHtTpPsSfFiInNuUkKeEaAxX019.-.-:/@ \t<\"'`_%+?#";

    private static readonly Regex Reference = new UrlRecognizer().PatternForTests;

    private static readonly Regex Backtracking = DifferentialText.Backtracking(Reference);

    private static List<(int Index, int Length)> ByHand(string window)
    {
        var found = new List<(int, int)>();
        var pos = 0;
        while (UrlRecognizer.NextMatch(window, ref pos, window.Length, out var start))
        {
            found.Add((start, pos - start));
        }

        return found;
    }

    private static void AssertSame(string window) => DifferentialText.AssertSameMatches(DifferentialText.RegexMatches(Reference, window), ByHand(window), window);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void NextMatch_GeneratedWindows_MatchesTheRegexEverywhere(int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < 50; i++)
        {
            AssertSame(DifferentialText.Pieces(rng, Parts, 24));
            AssertSame(DifferentialText.Soup(rng, SoupAlphabet));
        }
    }

    [Theory]
    [InlineData("jordan.miller@example.com")]
    [InlineData("https://x http://xy https://example.com/a?b=c#d ftp://files.example.org:21/x ws://a wss://ab")]
    [InlineData("www.com www.example.co.uk:8080/path www.-x.com www..com WWW.EXAMPLE.COM")]
    [InlineData("a.b.c.d.com.org.net a-.com -a.com a.comx a.informatics.io sub.example.online.xyz")]
    [InlineData("example.com:1 example.com:123456 example.com:12ab example.com.uk example.com.u example.com.")]
    [InlineData("docs.example.com/guide.html, see also (example.org). and \"site.io\".")]
    [InlineData("a.in.int.info.io i.co.com")]
    public void NextMatch_Examples_MatchesTheRegex(string window) => AssertSame(window);

    [Fact]
    public void NextMatch_LongAdversarialWindows_MatchesTheRegex()
    {
        AssertSame(string.Concat(Enumerable.Repeat("a.", 3_000)));
        AssertSame(string.Concat(Enumerable.Repeat("a.co", 2_000)) + "m");
        AssertSame(string.Concat(Enumerable.Repeat("x-", 3_000)) + ".com");
        AssertSame(string.Concat(Enumerable.Repeat("http:/", 2_000)));
        AssertSame(string.Concat(Enumerable.Repeat("com.", 2_000)));
        AssertSame(string.Concat(Enumerable.Repeat("jane.mil+", 1_000)) + "@example.com");
    }

    [Fact]
    public void ReferenceRegex_GeneratedWindows_AgreesWithTheBacktrackingEngine()
    {
        // The hand matcher follows the backtracking engine's priority order; the production regex is NonBacktracking.
        var rng = new Random(12345);
        for (var i = 0; i < 2_000; i++)
        {
            var window = DifferentialText.Pieces(rng, Parts, 24);
            Assert.Equal(DifferentialText.RegexMatches(Backtracking, window), DifferentialText.RegexMatches(Reference, window));
        }
    }

    [Fact]
    public void IndexOfUrlAnchor_GeneratedTexts_SameAsNaiveScan()
    {
        var rng = new Random(9);
        const string Alphabet = "..::/aZz@[`{09 \u00E9\u212A-";
        for (var i = 0; i < 20_000; i++)
        {
            var chars = new char[rng.Next(0, 90)];
            for (var k = 0; k < chars.Length; k++)
            {
                chars[k] = rng.Next(3) == 0 ? Alphabet[rng.Next(Alphabet.Length)] : 'x';
            }

            var text = new string(chars);
            var expected = -1;
            for (var k = 0; k + 1 < text.Length && expected < 0; k++)
            {
                var n = text[k + 1];
                if ((text[k] == '.' && (char.IsAsciiLetter(n) || n > 0x7F)) || (text[k] == ':' && n == '/'))
                {
                    expected = k;
                }
            }

            Assert.True(expected == UrlRecognizer.IndexOfUrlAnchor(text), text);
        }
    }
}
