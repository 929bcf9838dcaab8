using System.Text;
using System.Text.RegularExpressions;
using Warden.Core.Detection;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// The hand matcher of <see cref="SecretPatterns.Assignment"/> (<see cref="SecretRecognizer.NextAssignment"/>) against the
/// regex itself: every match position and length, over random windows built from the pattern's pieces and near-misses
/// (names in any case, the Kelvin sign, quotes closed and unclosed, every separator, runs of white space around the
/// three-character bounds, Unicode white space, line breaks, value stop characters) and over random character soup.
/// </summary>
public sealed class SecretAssignmentMatchTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 400).Select(i => new object[] { i });

    private static readonly string[] Parts =
    [
        "password", "PassWord", "passwd", "passphrase", "pass", "PASS", "pwd", "pw", "PW", "secret", "SECRET", "token", "Token", "key",
        "KEY", "\u212Aey", "api", "API", "_", "-", "apikey", "api_key", "access", "auth", "private", "credential", "credentials",
        "CREDENTIALS", "s", "ſ", "ı", "Ｋ", "word", "wd", "phrase", "d", "\"", "'", "\"", "'", " ", "  ", "   ", "    ", "\t", "\n", "\r\n",
        "\u00A0", "\u2003", "\u0085", "=", ":", "=>", ":=", "==", "::", ">", ",", ";", ")", "(", "x", "Zx9#Lm2!Qp7w", "hunter2", "$X", "{y}",
        "es", "board", "ing", "_id", ".", "k", "t", "a", "c", "p",
    ];

    private static readonly Regex Reference = SecretPatterns.Assignment();

    private static readonly Regex Backtracking = new(SecretPatterns.Assignment().ToString(), SecretPatterns.Assignment().Options & ~RegexOptions.NonBacktracking);

    private static string FromParts(Random rng, int maxParts)
    {
        var sb = new StringBuilder();
        for (var i = rng.Next(1, maxParts); i > 0; i--)
        {
            sb.Append(Parts[rng.Next(Parts.Length)]);
        }

        return sb.ToString();
    }

    private static string Soup(Random rng)
    {
        const string Alphabet = "pPaAsSwWdDoOrRkKeEyYtTcCiInNlLhH_-\"' \t\n\r=:>,;)\u212A\u00A0x1";
        var chars = new char[rng.Next(1, 60)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[rng.Next(Alphabet.Length)];
        }

        return new string(chars);
    }

    private static List<(int Index, int Length)> ByHand(string window)
    {
        var found = new List<(int, int)>();
        var quotes = SecretRecognizer.UnclosedQuotes.None;
        for (var at = 0; SecretRecognizer.NextAssignment(window, at, ref quotes, out var index, out var length); at = index + length)
        {
            found.Add((index, length));
        }

        return found;
    }

    private static List<(int Index, int Length)> ByRegex(Regex regex, string window)
    {
        var found = new List<(int, int)>();
        foreach (var m in regex.EnumerateMatches(window))
        {
            found.Add((m.Index, m.Length));
        }

        return found;
    }

    private static void AssertSame(string window)
    {
        var expected = ByRegex(Reference, window);
        var actual = ByHand(window);
        Assert.True(expected.SequenceEqual(actual), $"window {Show(window)}\nregex {string.Join(" ", expected)}\nhand  {string.Join(" ", actual)}");
    }

    private static string Show(string s) => string.Concat(s.Select(c => c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:X4}"));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void NextAssignment_GeneratedWindows_MatchesTheRegexEverywhere(int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < 50; i++)
        {
            AssertSame(FromParts(rng, 24));
            AssertSame(Soup(rng));
        }
    }

    [Theory]
    [InlineData("api_key = \"AKIAIOSFODNN7EXAMPLE\". What")]
    [InlineData("password=key:token password=key:token ")]
    [InlineData("key \"unclosed key 'also unclosed key \"x")]
    [InlineData("token    value")]
    [InlineData("token   value")]
    [InlineData("token \t \u00A0 \u2003 value")]
    [InlineData("passwordX=1 pass word=2 passwd=3 passphrase : 4 pwd=>5 pw:=6")]
    [InlineData("api-key=a apikey=b api_KEY=c ACCESS_KEY='d' auth-key: \"e\" private_key=f credentials=g credential h")]
    [InlineData("\u212Aey=x API_\u212AEY=y")]
    [InlineData("key=\"a\nb\" key='' key=\"\" key=, key=; key=) key\"=x key'  =  'y'")]
    [InlineData("secret=")]
    [InlineData("key")]
    public void NextAssignment_Examples_MatchesTheRegex(string window) => AssertSame(window);

    [Fact]
    public void NextAssignment_LongAdversarialWindows_MatchesTheRegex()
    {
        AssertSame(string.Concat(Enumerable.Repeat("key \"", 2_000)) + "x");
        AssertSame("key \"" + new string('k', 5_000));
        AssertSame(string.Concat(Enumerable.Repeat("apikey = '", 1_000)));
        AssertSame(string.Concat(Enumerable.Repeat("password=key:token ", 1_000)));
        AssertSame(string.Concat(Enumerable.Repeat("key    ", 1_000)));
    }

    [Fact]
    public void ReferenceRegex_GeneratedWindows_AgreesWithTheBacktrackingEngine()
    {
        // The hand matcher follows the backtracking engine's leftmost-first order; the production regex is NonBacktracking.
        var rng = new Random(12345);
        for (var i = 0; i < 2_000; i++)
        {
            var window = FromParts(rng, 24);
            Assert.Equal(ByRegex(Backtracking, window), ByRegex(Reference, window));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchAssignments_GeneratedText_SameFindingsAsTheRegex(int seed)
    {
        var rng = new Random(seed);
        var text = FromParts(rng, 60) + " " + FromParts(rng, 60);
        var recognizer = new SecretRecognizer();
        var byRegex = new List<Finding>();
        recognizer.MatchAssignments(text, 0, text.Length, byRegex, Reference);
        var byHand = new List<Finding>();
        recognizer.MatchAssignments(text, 0, text.Length, byHand);
        Assert.Equal(byRegex, byHand);
    }

    [Fact]
    public void MatchAssignments_GeneratedTexts_ReportSomething()
    {
        // Guards the test above against parts that never produce a finding.
        var recognizer = new SecretRecognizer();
        var findings = new List<Finding>();
        foreach (var seed in Enumerable.Range(1, 400))
        {
            var rng = new Random(seed);
            var text = FromParts(rng, 60) + " " + FromParts(rng, 60);
            recognizer.MatchAssignments(text, 0, text.Length, findings);
        }

        Assert.True(findings.Count > 50, $"{findings.Count} findings");
    }
}
