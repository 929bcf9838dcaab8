using System.Text;
using System.Text.RegularExpressions;
using Warden.Core.Detection;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// The hand-written scanners (e-mail, IPv4 from the digit-run list, URL run filter, card shapes) must find exactly what
/// their reference patterns find over the whole text (backtracking engine as the oracle) and what the per-run pattern scan
/// found. Random texts built from the characters each scanner decides on, dense with near-misses.
/// </summary>
public sealed class HandScannerTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 300).Select(i => new object[] { i });

    private static readonly string[] EmailParts =
    [
        "a", "Zq", "09", "x_y", "%", "+", "-", ".", "..", "@", "@@", "com", "co", "c", "uk", "-x", ".1", "1.", "b.c", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        " ", "\n", ",", "(", ")", "<", ">", ":", "é", "Ω", "mail",
    ];

    private static readonly string[] IpParts =
    [
        "1", "12", "123", "255", "256", "0", "01", "999", "1234", ".", ".", ".", ":", "::", "a", "f", "ff", "db8", "g", " ", "x", "-", "/", "\n",
        "10.20.30.40", "2001:db8::1", "::ffff:", "1.2.3", "ip",
    ];

    private static readonly string[] UrlParts =
    [
        "http", "https", "HTTPS", "ftp", "ws", "wss", "postgres", "://", ":/", "www.", "WWW.", "com", "Com", "co", "uk", "io", "online", "k", "\u212A",
        "ſ", "ı", ".", "..", "a", "ex-ample", "-", "/", "/p?q=1", ":8080", ":1", "@", " ", "\"", "'", ")", "(", "]", "é", "9", "site", "url", "uy", "ee", "lv",
        "xyz", "cloud", "tech", "in", "is", "biz", "mil", "zz", "_", "=", "#", ":", "a@", "x.co@", "\u20AC", "\u00A0",
    ];

    private static readonly string[] MacParts =
    [
        "00", "1A", "ff", "2b", "3C", "0011", "aabb", "a", "1", ":", "-", ".", ":", "-", "00:1A:2B:3C:4D:5E", "0011.2233.4455", "g", " ", "x", "\n", "@",
    ];

    private static readonly string[] CardParts = [" ", "-", "", "  ", "x", "-", " ", ".", "\n", "a", "card"];

    internal static string Generate(int seed, string[] parts, int maxParts = 80)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (var i = rng.Next(1, maxParts); i > 0; i--)
        {
            sb.Append(parts[rng.Next(parts.Length)]);
        }

        return sb.ToString();
    }

    private static string GenerateDigitGroups(int seed)
    {
        // Luhn-valid numbers of 12 to 20 digits with issuer prefixes, cut into random groups, between random separators.
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (var i = rng.Next(1, 12); i > 0; i--)
        {
            var number = LuhnValid(rng, rng.Next(12, 21));
            var at = 0;
            while (at < number.Length)
            {
                var length = Math.Min(number.Length - at, rng.Next(4) == 0 ? rng.Next(1, 10) : rng.Next(2, 8));
                sb.Append(number, at, length);
                at += length;
                if (at < number.Length)
                {
                    sb.Append(CardParts[rng.Next(CardParts.Length)]);
                }
            }

            sb.Append(CardParts[rng.Next(CardParts.Length)]);
        }

        return sb.ToString();
    }

    private static string LuhnValid(Random rng, int length)
    {
        var digits = new int[length];
        digits[0] = "4536"[rng.Next(4)] - '0';
        for (var i = 1; i < length - 1; i++)
        {
            digits[i] = rng.Next(10);
        }

        var sum = 0;
        for (var i = length - 2; i >= 0; i--)
        {
            var d = ((length - 2 - i) % 2 == 0) ? digits[i] * 2 : digits[i];
            sum += d > 9 ? d - 9 : d;
        }

        digits[^1] = (10 - (sum % 10)) % 10;
        return string.Concat(digits);
    }

    private static Regex Backtracking(Regex r) => DifferentialText.Backtracking(r);

    private static string[] Describe(IEnumerable<Finding> findings, string text) =>
        findings.Select(f => $"{f.Type}@{f.Start}-{f.End}:{f.Score:F2}:{text[f.Start..f.End]}").Order(StringComparer.Ordinal).ToArray();

    internal static void AssertSame(RegexRecognizer r, string text, bool wholeText = true)
    {
        var scanned = new List<Finding>();
        ((IRecognizer)r).Analyze(text, scanned);
        var reference = new List<Finding>();
        if (wholeText)
        {
            r.AnalyzeWholeText(text, reference, Backtracking(r.PatternForTests));
        }
        else
        {
            r.AnalyzeWithAnchorRuns(text, reference);
        }

        var expected = Describe(reference, text);
        var actual = Describe(scanned, text);
        Assert.True(expected.SequenceEqual(actual), $"{r.Name}: {text}\nexpected {string.Join(" | ", expected)}\nactual   {string.Join(" | ", actual)}");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void EmailScanner_RandomText_FindsWhatThePatternFinds(int seed) => AssertSame(new EmailRecognizer(), Generate(seed, EmailParts));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void IpScanner_RandomText_FindsWhatThePatternFinds(int seed) => AssertSame(new IpAddressRecognizer(), Generate(seed, IpParts));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MacRunFilter_RandomText_FindsWhatThePatternFinds(int seed) => AssertSame(new MacAddressRecognizer(), Generate(seed, MacParts));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void UrlRunFilter_RandomText_FindsWhatThePatternFinds(int seed) => AssertSame(new UrlRecognizer(), Generate(seed, UrlParts));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void CardShapes_RandomDigitGroups_FindWhatThePatternFinds(int seed)
    {
        var text = GenerateDigitGroups(seed);
        AssertSame(new CreditCardRecognizer(), text);
        AssertSame(new CreditCardRecognizer(), text, wholeText: false);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void FollowedAnchors_RandomText_FindsTheFirstAnchorNotFollowedByBlank(int seed)
    {
        var rng = new Random(seed);
        const string chars = ".:-a \n\r\t\u0001\u00a0x";
        AssertFollowedAnchors(new string(Enumerable.Range(0, rng.Next(0, 70)).Select(_ => chars[rng.Next(chars.Length)]).ToArray()));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void FollowedAnchors_SparseAnchorsInLongText_FindsTheFirstAnchorNotFollowedByBlank(int seed)
    {
        // Blocks without any anchor are skipped whole: anchors one in about forty characters, at every offset of a block
        // (including its last character, whose follower is in the next block) and near the end of the text.
        var rng = new Random(seed);
        const string anchors = ".:-";
        const string blanks = " \n\r\t";
        var text = new char[rng.Next(0, 400)];
        for (var i = 0; i < text.Length; i++)
        {
            var roll = rng.Next(40);
            text[i] = roll == 0 ? anchors[rng.Next(anchors.Length)] : roll < 6 ? blanks[rng.Next(blanks.Length)] : (char)('a' + rng.Next(26));
        }

        AssertFollowedAnchors(new string(text));
    }

    private static void AssertFollowedAnchors(string text)
    {
        foreach (var anchors in new[] { ".", ".:", ":-." })
        {
            var expected = -1;
            for (var i = 0; i + 1 < text.Length; i++)
            {
                if (anchors.Contains(text[i], StringComparison.Ordinal) && text[i + 1] is not (' ' or '\n' or '\r' or '\t'))
                {
                    expected = i;
                    break;
                }
            }

            Assert.Equal(expected, FollowedAnchors.IndexOf(text, anchors));
        }
    }

    [Theory]
    [InlineData("mail jane.doe+tag@mail.example.co.uk today", "jane.doe+tag@mail.example.co.uk")]
    [InlineData("x@a.b.c.de1", "x@a.b.c.de")]
    [InlineData(".a@b.cd", "a@b.cd")]
    [InlineData("a@b@c.de", "b@c.de")]
    public void EmailScanner_Shapes_FindsTheAddress(string text, string expected)
    {
        var found = new List<Finding>();
        ((IRecognizer)new EmailRecognizer()).Analyze(text, found);
        Assert.Equal(expected, text[found.Single().Start..found.Single().End]);
    }

    [Theory]
    [InlineData("card 4111 1111 1111 1111.", "4111 1111 1111 1111")]
    [InlineData("card 4111-1111-1111-1111 ", "4111-1111-1111-1111")]
    [InlineData("pan 5210402405591275", "5210402405591275")]
    [InlineData("amex 3782 822463 10005", "3782 822463 10005")]
    public void CardShapes_CommonGroupings_AreFound(string text, string expected)
    {
        var found = new List<Finding>();
        ((IRecognizer)new CreditCardRecognizer()).Analyze(text, found);
        Assert.Equal(expected, text[found.Single().Start..found.Single().End]);
    }
}
