using System.Runtime.CompilerServices;

namespace Warden.Core.Screening;

/// <summary>
/// Hashed n-gram features shared by training and inference: lower-cased word unigrams and bigrams and
/// character 3/4/5-grams over a letters-and-digits view of the text (everything else is one space), plus the
/// text's first word and first word pair as separate features.
/// Each occurrence counts 1; the linear scorer divides the sum by the square root of the count.
/// </summary>
/// <remarks>
/// One pass, no allocation: the last four normalised characters live in a 64-bit shift register, so each
/// character costs three multiply-shift hashes (3-, 4- and 5-gram) instead of re-hashing the n-gram, and
/// ASCII is normalised through a 128-entry table.
/// </remarks>
internal static class TextFeaturizer
{
    /// <summary>Number of hash buckets (2^18).</summary>
    public const int Dimensions = 1 << 18;

    private const int Shift = 64 - 18;
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;
    private const ulong Golden = 0x9E3779B97F4A7C15;
    private const ulong Mix2 = 0xFF51AFD7ED558CCD;

    // Lower-cased letter or digit for ASCII, 0 for everything else.
    internal static ReadOnlySpan<byte> AsciiMap =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)'0', (byte)'1', (byte)'2', (byte)'3', (byte)'4', (byte)'5', (byte)'6', (byte)'7', (byte)'8', (byte)'9', 0, 0, 0, 0, 0, 0,
        0, (byte)'a', (byte)'b', (byte)'c', (byte)'d', (byte)'e', (byte)'f', (byte)'g', (byte)'h', (byte)'i', (byte)'j', (byte)'k', (byte)'l', (byte)'m', (byte)'n', (byte)'o',
        (byte)'p', (byte)'q', (byte)'r', (byte)'s', (byte)'t', (byte)'u', (byte)'v', (byte)'w', (byte)'x', (byte)'y', (byte)'z', 0, 0, 0, 0, 0,
        0, (byte)'a', (byte)'b', (byte)'c', (byte)'d', (byte)'e', (byte)'f', (byte)'g', (byte)'h', (byte)'i', (byte)'j', (byte)'k', (byte)'l', (byte)'m', (byte)'n', (byte)'o',
        (byte)'p', (byte)'q', (byte)'r', (byte)'s', (byte)'t', (byte)'u', (byte)'v', (byte)'w', (byte)'x', (byte)'y', (byte)'z', 0, 0, 0, 0, 0,
    ];

    /// <summary>Feeds every feature of <paramref name="text"/> to <paramref name="sink"/>; returns the number fed.</summary>
    public static int Featurize<TSink>(ReadOnlySpan<char> text, ref TSink sink)
        where TSink : struct, IFeatureSink
    {
        var map = AsciiMap;
        var count = 0;
        uint word = FnvOffset, prevWord = 0;
        var inWord = false;
        var havePrev = false;
        var lastWasSpace = true;
        var words = 0;

        // The register holds the last four normalised characters (16 bits each); `fifth` the one before.
        // A leading space so word-initial n-grams are distinct.
        ulong reg = ' ';
        ulong fifth = 0;
        var filled = 1;
        for (var i = 0; i <= text.Length; i++)
        {
            char n;
            if (i < text.Length)
            {
                var c = text[i];
                if (c < 128)
                {
                    var m = map[c];
                    n = m == 0 ? ' ' : (char)m;
                }
                else
                {
                    n = char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ';
                }
            }
            else
            {
                n = ' ';
            }

            if (n == ' ')
            {
                if (lastWasSpace)
                {
                    continue;
                }

                lastWasSpace = true;
                if (inWord)
                {
                    sink.Add(Bucket(word, 1));
                    count++;
                    if (havePrev)
                    {
                        sink.Add(Bucket((prevWord * 31) ^ word, 2));
                        count++;
                    }

                    // The opening word and word pair of the text (a segment is a sentence): imperatives
                    // ("Explain …", "Add … to your reply") look different at the start than inside a sentence.
                    if (words < 2)
                    {
                        sink.Add(words == 0 ? Bucket(word, 6) : Bucket((prevWord * 31) ^ word, 7));
                        count++;
                        words++;
                    }

                    prevWord = word;
                    havePrev = true;
                    word = FnvOffset;
                    inWord = false;
                }
            }
            else
            {
                lastWasSpace = false;
                word = (word ^ n) * FnvPrime;
                inWord = true;
            }

            fifth = reg >> 48;
            reg = (reg << 16) | n;
            if (filled < 5)
            {
                filled++;
            }

            if (filled >= 3)
            {
                sink.Add(Gram(reg & 0xFFFF_FFFF_FFFF, 3));
                count++;
                if (filled >= 4)
                {
                    sink.Add(Gram(reg, 4));
                    count++;
                    if (filled >= 5)
                    {
                        sink.Add(Gram((reg * Mix2) ^ fifth, 5));
                        count++;
                    }
                }
            }
        }

        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Gram(ulong gram, ulong kind) => (int)(((gram + (kind * Mix2)) * Golden) >> Shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bucket(uint hash, ulong kind) => (int)((((ulong)hash + (kind << 40)) * Golden) >> Shift);
}
