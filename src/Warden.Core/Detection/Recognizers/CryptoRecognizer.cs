using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// CRYPTO: Bitcoin base58check addresses (P2PKH/P2SH, double-SHA-256 checksum verified), bech32
/// <c>bc1</c> addresses (BIP-173/350 checksum verified) and Ethereum <c>0x</c> + 40 hex addresses.
/// </summary>
internal sealed partial class CryptoRecognizer() : RegexRecognizer("CryptoRecognizer", EntityTypes.Crypto, 0.9, ["wallet", "btc", "bitcoin", "eth", "ethereum", "crypto"])
{
    private static readonly System.Buffers.SearchValues<char> CryptoAnchors = System.Buffers.SearchValues.Create("013");
    private static readonly CharClass CryptoAlphabet = CharClass.Of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    protected override System.Buffers.SearchValues<char> Anchors => CryptoAnchors;

    protected override CharClass Alphabet => CryptoAlphabet;

    protected override int MinLength => 14;

    private const string Base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private const string Bech32Chars = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    protected override Regex Pattern => Crypto();

    /// <summary>Alphabet characters that follow the first anchor of every match (25 in base58, 11 after "bc1", 41 after '0').</summary>
    private const int FollowingAtLeast = 11;

    /// <summary>
    /// The runs of <see cref="AnchorRuns"/> that hold an anchor followed by <see cref="FollowingAtLeast"/> alphabet characters,
    /// as the first anchor of every match is ('0', '1' and '3' come before no other anchor in a match), found from the shared
    /// digit runs (the anchors are digits): a run of fewer than twelve digits not followed by a letter holds no such anchor
    /// and costs one comparison (the numbers, dates and addresses of prose); anchors that fail are passed over several at a
    /// time (every anchor before the first non-alphabet character after one that fails fails too). The runs are the same
    /// maximal runs (bounded by the previous run's end), and a run without such an anchor holds no match.
    /// </summary>
    protected override void Scan(string text, List<Finding> results)
    {
        var runs = DigitRuns.For(text);
        var floor = 0;
        for (var k = 0; k < runs.Count; k++)
        {
            var e = runs.End(k);
            if (e <= floor || (e - runs.Start(k) <= FollowingAtLeast && (e == text.Length || !char.IsAsciiLetter(text[e]))))
            {
                continue;
            }

            // The first anchor after the floor decides for the whole digit run: when it fails, the character that stops it is
            // past the run (digits are alphabet characters) and within the reach of every later anchor of the run.
            var s = Math.Max(runs.Start(k), floor);
            var rel = text.AsSpan(s, e - s).IndexOfAny(CryptoAnchors);
            if (rel < 0 || FirstOutside(text, s + rel + 1, s + rel + 1 + FollowingAtLeast) >= 0)
            {
                continue;
            }

            var (start, end) = CryptoAlphabet.RunAround(text, s + rel, floor);
            floor = end;
            if (end - start >= MinLength)
            {
                MatchIn(text, start, end, results);
            }
        }
    }

    /// <summary>The first index in [from, to) that is past the text or not an ASCII letter or digit, or -1.</summary>
    private static int FirstOutside(string text, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (i >= text.Length || !char.IsAsciiLetterOrDigit(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        if (!Bounded(text, start, end))
        {
            return false;
        }

        var s = text.AsSpan(start, end - start);
        if (s.StartsWith("0x"))
        {
            score = 0.75;
            return s.Length == 42;
        }

        if (s.StartsWith("bc1", StringComparison.OrdinalIgnoreCase))
        {
            return Bech32Valid(s);
        }

        return Base58CheckValid(s);
    }

    internal static bool Base58CheckValid(ReadOnlySpan<char> s)
    {
        if (s.Length is < 26 or > 35)
        {
            return false;
        }

        // Decode base58 into a 25-byte big-endian buffer.
        Span<byte> bytes = stackalloc byte[25];
        foreach (var c in s)
        {
            var carry = Base58.IndexOf(c, StringComparison.Ordinal);
            if (carry < 0)
            {
                return false;
            }

            for (var i = bytes.Length - 1; i >= 0; i--)
            {
                carry += 58 * bytes[i];
                bytes[i] = (byte)carry;
                carry >>= 8;
            }

            if (carry != 0)
            {
                return false;
            }
        }

        Span<byte> h1 = stackalloc byte[32];
        Span<byte> h2 = stackalloc byte[32];
        SHA256.HashData(bytes[..21], h1);
        SHA256.HashData(h1, h2);
        return h2[..4].SequenceEqual(bytes[21..]) && bytes[0] is 0x00 or 0x05;
    }

    private static bool Bech32Valid(ReadOnlySpan<char> s)
    {
        if (s.Length is < 14 or > 74)
        {
            return false;
        }

        Span<char> lower = stackalloc char[s.Length];
        s.ToLowerInvariant(lower);
        var sep = lower.LastIndexOf('1');
        var hrp = lower[..sep];
        var data = lower[(sep + 1)..];
        if (data.Length < 6)
        {
            return false;
        }

        uint chk = 1;
        foreach (var c in hrp)
        {
            chk = Polymod(chk) ^ (uint)(c >> 5);
        }

        chk = Polymod(chk);
        foreach (var c in hrp)
        {
            chk = Polymod(chk) ^ (uint)(c & 31);
        }

        foreach (var c in data)
        {
            var v = Bech32Chars.IndexOf(c, StringComparison.Ordinal);
            if (v < 0)
            {
                return false;
            }

            chk = Polymod(chk) ^ (uint)v;
        }

        return chk is 1 or 0x2bc830a3; // bech32 or bech32m
    }

    private static uint Polymod(uint chk)
    {
        ReadOnlySpan<uint> gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
        var top = chk >> 25;
        chk = (chk & 0x1ffffff) << 5;
        for (var i = 0; i < 5; i++)
        {
            if (((top >> i) & 1) != 0)
            {
                chk ^= gen[i];
            }
        }

        return chk;
    }

    [GeneratedRegex(@"[13][1-9A-HJ-NP-Za-km-z]{25,34}|(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{11,71}|0x[0-9a-fA-F]{40}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Crypto();
}
