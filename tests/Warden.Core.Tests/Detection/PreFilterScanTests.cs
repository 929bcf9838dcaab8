using System.Text;
using Warden.Core.Detection;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// The pre-filters that keep the pattern off runs that cannot hold a match (crypto anchors without enough alphabet after
/// them, MAC separators without their hex digits and partner, NINO digits without the prefix letters before them, IPv6 colons without a partner, NHS shapes failing mod 11)
/// must find exactly what the patterns find over the whole text (backtracking engine as the oracle). Random texts dense with
/// the near-misses each filter decides on.
/// </summary>
public sealed class PreFilterScanTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 300).Select(i => new object[] { i });

    private static readonly string[] CryptoParts =
    [
        "1", "3", "0", "13", "0x", "0X", "bc1", "BC1", "bC1", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "0x52908400098527886E0F7030069857D2E4169EE7", "abcdefghijk", "ABCDEFGHJK", "9", "42", "0l",
        "Oo", "x", " ", "-", ".", "\n", "_", "é", "12345678901", "123456789012", "a1", "Z3", "qqqqqqqqqqqqqqqqqqqqqqqqq",
    ];

    private static readonly string[] MacParts =
    [
        "00", "1A", "ff", "2b", "3C", "0011", "aabb", "a", "1", ":", "-", ".", "00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "0011.2233.4455", "001.12",
        "0a:", ":0a", "-0a-", "ab.cdef.", ".abcd", "g", "x", " ", "\n", "12-34", "1-2-3-4", "a.b.c.d.e",
    ];

    private static readonly string[] IpParts =
    [
        "1", "12", "255", "256", "01", "1234", "12345", "abcde", "fffff", ".", ":", "::", ":::", "a", "f", "db8", "g", " ", "-", "/", "x",
        "10.20.30.40", "1.2.3.4", "2001:db8::1", "::ffff:", "fe80::", "10.20.30.40:12345:", "a:bcdef:", "1:2", "12:34:56", "ip",
    ];

    private static readonly string[] NinoParts =
    [
        "AB", "ab", "Ce", "QQ", "GB", "X", "x", " ", "  ", "12", "34", "56", "1234", "123456", "12345", "1", "C", "d", "E", "a1", "-", ".", "\n",
        "AB 12 34 56 C", "ce123456a", "is",
    ];

    private static readonly string[] NhsJoins = [" ", "-", "", "  ", "x", ".", "\n", "nhs ", "a", "--", " - "];

    /// <summary>Ten-digit numbers, half with a valid NHS check digit, cut into 10, 3+7, 6+4 or 3+3+4 (or random) groups.</summary>
    private static string GenerateNhs(int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        int[][] shapes = [[10], [3, 7], [6, 4], [3, 3, 4], [3, 3, 3], [4, 3, 3], [2, 8]];
        for (var i = rng.Next(1, 15); i > 0; i--)
        {
            var digits = Enumerable.Range(0, 10).Select(_ => (char)('0' + rng.Next(10))).ToArray();
            if (rng.Next(2) == 0)
            {
                var sum = 0;
                for (var d = 0; d < 9; d++)
                {
                    sum += (digits[d] - '0') * (10 - d);
                }

                var check = 11 - (sum % 11);
                digits[9] = check == 11 ? '0' : (char)('0' + (check % 10));
            }

            var at = 0;
            foreach (var length in shapes[rng.Next(shapes.Length)])
            {
                var take = Math.Min(length, digits.Length - at);
                sb.Append(digits, at, take);
                at += take;
                if (at < digits.Length)
                {
                    sb.Append(NhsJoins[rng.Next(NhsJoins.Length)]);
                }
            }

            sb.Append(digits, at, digits.Length - at);
            sb.Append(NhsJoins[rng.Next(NhsJoins.Length)]);
        }

        return sb.ToString();
    }

    private static string Generate(int seed, string[] parts, int maxParts = 80) => HandScannerTests.Generate(seed, parts, maxParts);

    private static void AssertSame(RegexRecognizer r, string text) => HandScannerTests.AssertSame(r, text);

    /// <summary>The text of the one finding <paramref name="recognizer"/> reports in <paramref name="text"/>.</summary>
    private static string OnlyFinding(IRecognizer recognizer, string text)
    {
        var found = new List<Finding>();
        recognizer.Analyze(text, found);
        return text[found.Single().Start..found.Single().End];
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void CryptoAnchorFilter_RandomText_FindsWhatThePatternFinds(int seed) => AssertSame(new CryptoRecognizer(), Generate(seed, CryptoParts));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MacSeparatorFilter_RandomText_FindsWhatThePatternFinds(int seed) => AssertSame(new MacAddressRecognizer(), Generate(seed, MacParts, 120));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void IpColonPairFilter_RandomText_FindsWhatThePatternFinds(int seed) => AssertSame(new IpAddressRecognizer(), Generate(seed, IpParts));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void NinoPrefixFilter_RandomText_FindsWhatThePatternFinds(int seed) => AssertSame(new UkNinoRecognizer(), Generate(seed, NinoParts));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void NhsChecksumFilter_RandomGroups_FindsWhatThePatternFinds(int seed) => AssertSame(new UkNhsRecognizer(), GenerateNhs(seed));

    [Theory]
    [InlineData("wallet 1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT")]
    [InlineData("x 0x52908400098527886E0F7030069857D2E4169EE7.", "0x52908400098527886E0F7030069857D2E4169EE7")]
    [InlineData("pay bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq now", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")]
    [InlineData("10 4111 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")]
    [InlineData("shortest bc1qpzry6fjyzh.", "bc1qpzry6fjyzh")]
    public void CryptoAnchorFilter_AddressAfterShortNumbers_IsFound(string text, string expected) =>
        Assert.Equal(expected, OnlyFinding(new CryptoRecognizer(), text));

    [Theory]
    [InlineData("host 10.20.30.40:12345: up", "10.20.30.40")]
    [InlineData("at fe80::1 ok", "fe80::1")]
    [InlineData("then 1.2.3.4:abcdef:x", "1.2.3.4")]
    public void IpColonPairFilter_ColonsWithoutPartner_LeaveTheDottedQuad(string text, string expected) =>
        Assert.Equal(expected, OnlyFinding(new IpAddressRecognizer(), text));

    [Theory]
    [InlineData("mac 00:1a:2b:3c:4d:5e.", "00:1a:2b:3c:4d:5e")]
    [InlineData("00-1A-2B-3C-4D-5E", "00-1A-2B-3C-4D-5E")]
    [InlineData("call 1-312-241-6761 or 0011.2233.4455", "0011.2233.4455")]
    public void MacSeparatorFilter_Shapes_AreFound(string text, string expected) =>
        Assert.Equal(expected, OnlyFinding(new MacAddressRecognizer(), text));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void SeparatorPairSearch_RandomText_FindsTheFirstPair(int seed)
    {
        // Separators about one in six characters, at every offset of a 16-character block and near the end of the text.
        var rng = new Random(seed);
        const string separators = ":-.";
        var text = new string(Enumerable.Range(0, rng.Next(0, 300)).Select(_ => rng.Next(6) == 0 ? separators[rng.Next(3)] : (char)('a' + rng.Next(26))).ToArray());
        var expected = -1;
        for (var i = 0; i + 3 < text.Length; i++)
        {
            if ((text[i] is ':' or '-' && text[i + 3] is ':' or '-') || (text[i] == '.' && i + 5 < text.Length && text[i + 5] == '.'))
            {
                expected = i;
                break;
            }
        }

        Assert.Equal(expected, MacAddressRecognizer.IndexOfSeparatorPair(text));
    }
}
