namespace Warden.Core.Screening;

/// <summary>
/// Hashed n-gram features shared by training and inference: lower-cased word unigrams and bigrams and
/// character 3/4/5-grams over a letters-and-digits view of the text (everything else is one space).
/// Each occurrence counts 1; the linear scorer divides the sum by the square root of the count.
/// </summary>
internal static class TextFeaturizer
{
    /// <summary>Number of hash buckets (2^18).</summary>
    public const int Dimensions = 1 << 18;

    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    /// <summary>Feeds every feature of <paramref name="text"/> to <paramref name="sink"/>; returns the number fed.</summary>
    public static int Featurize<TSink>(ReadOnlySpan<char> text, ref TSink sink)
        where TSink : struct, IFeatureSink
    {
        Span<char> ring = stackalloc char[5];
        var filled = 0;
        var count = 0;
        uint word = FnvOffset, prevWord = 0;
        var inWord = false;
        var havePrev = false;
        var lastWasSpace = true;

        // A leading space so word-initial n-grams are distinct.
        Push(ring, ref filled, ' ');
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            var isWordChar = char.IsLetterOrDigit(c);
            var n = isWordChar ? char.ToLowerInvariant(c) : ' ';
            if (n == ' ' && lastWasSpace)
            {
                continue;
            }

            lastWasSpace = n == ' ';
            if (isWordChar)
            {
                word = (word ^ n) * FnvPrime;
                inWord = true;
            }
            else if (inWord)
            {
                sink.Add(Bucket(word, 1));
                count++;
                if (havePrev)
                {
                    sink.Add(Bucket((prevWord * 31) ^ word, 2));
                    count++;
                }

                prevWord = word;
                havePrev = true;
                word = FnvOffset;
                inWord = false;
            }

            Push(ring, ref filled, n);
            for (var len = 3; len <= 5 && len <= filled; len++)
            {
                var h = FnvOffset;
                for (var k = filled - len; k < filled; k++)
                {
                    h = (h ^ ring[k % 5]) * FnvPrime;
                }

                sink.Add(Bucket(h, 2 + len));
                count++;
            }
        }

        return count;
    }

    private static void Push(Span<char> ring, ref int filled, char c)
    {
        ring[filled % 5] = c;
        filled++;
        if (filled >= 10)
        {
            filled -= 5; // keep the index small; positions modulo 5 are unchanged
        }
    }

    private static int Bucket(uint hash, int kind)
    {
        var h = (hash ^ ((uint)kind * 0x9E3779B9u)) * 0x85EBCA6Bu;
        h ^= h >> 15;
        return (int)(h & (Dimensions - 1));
    }
}
