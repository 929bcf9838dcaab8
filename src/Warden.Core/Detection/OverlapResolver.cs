using System.Buffers;

namespace Warden.Core.Detection;

/// <summary>
/// Resolves overlapping findings deterministically: higher score wins, then the longer span, then the
/// earlier start, then the type name (ordinal), then the recognizer name. The survivors do not overlap and
/// are returned in start order. O(n log n) for the sorts plus a bitmap of covered characters: linear in the candidates' total length.
/// </summary>
internal static class OverlapResolver
{
    private static readonly Comparison<Finding> Priority = (a, b) =>
    {
        var c = b.Score.CompareTo(a.Score);
        if (c != 0)
        {
            return c;
        }

        c = b.Length.CompareTo(a.Length);
        if (c != 0)
        {
            return c;
        }

        c = a.Start.CompareTo(b.Start);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(a.Type, b.Type);
        return c != 0 ? c : string.CompareOrdinal(a.Recognizer, b.Recognizer);
    };

    public static List<Finding> Resolve(List<Finding> findings)
    {
        if (findings.Count <= 1)
        {
            return findings;
        }

        findings.Sort(Priority);
        var min = int.MaxValue;
        var max = 0;
        foreach (var f in findings)
        {
            min = Math.Min(min, f.Start);
            max = Math.Max(max, f.End);
        }

        // Characters covered by kept findings, one bit each: a candidate is kept when none of its characters is covered.
        // Checking and marking work on 64-bit words, so the cost is linear in the total length of the candidates (each
        // recognizer's candidates are mostly disjoint), not quadratic in their number.
        var words = ((max - min) >> 6) + 1;
        var covered = ArrayPool<ulong>.Shared.Rent(words);
        try
        {
            Array.Clear(covered, 0, words);
            var kept = new List<Finding>(findings.Count);
            foreach (var f in findings)
            {
                if (f.Length <= 0 || AnySet(covered, f.Start - min, f.End - min))
                {
                    continue;
                }

                SetRange(covered, f.Start - min, f.End - min);
                kept.Add(f);
            }

            kept.Sort(static (a, b) => a.Start.CompareTo(b.Start));
            return kept;
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(covered);
        }
    }

    private static ulong Mask(int from, int to) => // bits [from, to) of one word, 0 <= from < to <= 64
        (to == 64 ? ulong.MaxValue : (1UL << to) - 1) & ~((1UL << from) - 1);

    private static bool AnySet(ulong[] bits, int from, int to)
    {
        var w = from >> 6;
        var last = (to - 1) >> 6;
        if (w == last)
        {
            return (bits[w] & Mask(from & 63, ((to - 1) & 63) + 1)) != 0;
        }

        if ((bits[w] & Mask(from & 63, 64)) != 0 || (bits[last] & Mask(0, ((to - 1) & 63) + 1)) != 0)
        {
            return true;
        }

        return bits.AsSpan(w + 1, last - w - 1).IndexOfAnyExcept(0UL) >= 0;
    }

    private static void SetRange(ulong[] bits, int from, int to)
    {
        var w = from >> 6;
        var last = (to - 1) >> 6;
        if (w == last)
        {
            bits[w] |= Mask(from & 63, ((to - 1) & 63) + 1);
            return;
        }

        bits[w] |= Mask(from & 63, 64);
        bits.AsSpan(w + 1, last - w - 1).Fill(ulong.MaxValue);
        bits[last] |= Mask(0, ((to - 1) & 63) + 1);
    }
}
