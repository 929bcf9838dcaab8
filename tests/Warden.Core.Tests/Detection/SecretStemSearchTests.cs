using System.Text;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// The anchored stem search (<see cref="SecretRecognizer.IndexOfStem"/>) against the multi-string search it replaces, at
/// every start offset of generated texts: stems in any case, stems next to each other and overlapping, the anchors alone
/// ("k", "ss", "cr", "pw") and near-misses, non-ASCII letters that case-fold to ASCII elsewhere, stems across the vector
/// block boundaries.
/// </summary>
public sealed class SecretStemSearchTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 300).Select(i => new object[] { i });

    private static readonly string[] Parts =
    [
        "pass", "PaSS", "pw", "PW", "pW", "secret", "SECRET", "token", "TOKEN", "key", "KEY", "credential", "CREDENTIAL", "k", "K", "ss",
        "cr", "CR", "ke", "to", "tok", "se", "sec", "pa", "pas", "cre", "credentia", "secre", "toke", "p", "w", "\u212Aey", "paſſ", "ſecret",
        "credentıal", "ｋey", " ", "x", "e", "y", "o", "n", "a", "s", "c", "r", "t", "d", "l", "i", "\n", "_", "=",
    ];

    private static string Generate(int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        var target = rng.Next(1, 3) == 1 ? rng.Next(1, 40) : rng.Next(1, 200);
        while (sb.Length < target)
        {
            sb.Append(Parts[rng.Next(Parts.Length)]);
        }

        return sb.ToString();
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void IndexOfStem_GeneratedText_MatchesTheMultiStringSearchFromEveryOffset(int seed)
    {
        var text = Generate(seed);
        for (var from = 0; from <= text.Length; from++)
        {
            for (var to = from; to <= text.Length; to += Math.Max(1, (text.Length - from) / 7))
            {
                var span = text.AsSpan(from, to - from);
                Assert.True(span.IndexOfAny(SecretRecognizer.AssignmentStems) == SecretRecognizer.IndexOfStem(span), $"seed {seed} [{from}..{to}): {text}");
            }

            var rest = text.AsSpan(from);
            Assert.True(rest.IndexOfAny(SecretRecognizer.AssignmentStems) == SecretRecognizer.IndexOfStem(rest), $"seed {seed} [{from}..): {text}");
        }
    }

    [Theory]
    [InlineData("", -1)]
    [InlineData("the keyboard", 4)]
    [InlineData("a single TOKEN", 9)]
    [InlineData("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkey", 63)]
    [InlineData("classes across sscr and crypto and a \u212Aey", -1)]
    [InlineData("0123456789abcdefPw", 16)]
    [InlineData("0123456789abcdpass", 14)]
    [InlineData("0123456789abcdesecret", 15)]
    [InlineData("to be or not to be, secrecy is my fashion", -1)]
    public void IndexOfStem_Examples_FindsTheFirstStem(string text, int expected)
    {
        Assert.Equal(expected, text.AsSpan().IndexOfAny(SecretRecognizer.AssignmentStems));
        Assert.Equal(expected, SecretRecognizer.IndexOfStem(text));
    }

    private const string Filler = "ab. \nM1_-";

    [Theory]
    [MemberData(nameof(Seeds))]
    public void IndexOfDotPair_GeneratedText_FindsTheFirstDotWithADotSevenLater(int seed)
    {
        var rng = new Random(seed);
        var chars = new char[rng.Next(0, 120)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = rng.Next(6) == 0 ? '.' : Filler[rng.Next(Filler.Length)];
        }

        var text = new string(chars);
        for (var from = 0; from <= text.Length; from++)
        {
            var span = text.AsSpan(from);
            var expected = -1;
            for (var i = 0; i + 7 < span.Length && expected < 0; i++)
            {
                expected = span[i] == '.' && span[i + 7] == '.' ? i : -1;
            }

            Assert.True(expected == SecretRecognizer.IndexOfDotPair(span), $"seed {seed} from {from}: {text}");
        }
    }
}
