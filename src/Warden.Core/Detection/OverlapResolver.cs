using System.Buffers;
using System.Runtime.InteropServices;

namespace Warden.Core.Detection;

/// <summary>
/// Resolves overlapping findings deterministically: higher score wins, then the longer span, then the
/// earlier start, then the type name (ordinal), then the recognizer name, then the earlier reported. The survivors do not overlap and
/// are returned in start order. O(n log n) for the sorts (findings that overlap nothing skip the ranking) plus a bitmap of
/// covered characters per group of overlapping findings: linear in the candidates' total length.
/// </summary>
internal static class OverlapResolver
{
    /// <summary>
    /// A finding's place in the priority order, as integer keys: the sort over <see cref="IComparable{T}"/> structs is
    /// specialised and inlined (a delegate comparison of the 40-byte findings was a tenth of the engine's time on PII-dense
    /// text).
    /// </summary>
    private readonly struct Ranked(in Finding f, int index) : IComparable<Ranked>
    {
        private readonly ulong _score = DescendingKey(f.Score);
        private readonly ulong _lengthStart = ((ulong)(uint)(~f.Length ^ int.MinValue) << 32) | (uint)(f.Start ^ int.MinValue);
        private readonly string _type = f.Type;
        private readonly string _recognizer = f.Recognizer;

        public int Index { get; } = index;

        public int CompareTo(Ranked other)
        {
            var c = _score.CompareTo(other._score);
            if (c != 0)
            {
                return c;
            }

            c = _lengthStart.CompareTo(other._lengthStart);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(_type, other._type);
            if (c != 0)
            {
                return c;
            }

            // Last, the order of report: two candidates of one recognizer that differ only in their kind (a JWT that is
            // also a secret assignment) resolve the same way wherever they sit in the list (the sort by start is unstable).
            c = string.CompareOrdinal(_recognizer, other._recognizer);
            return c != 0 ? c : Index.CompareTo(other.Index);
        }

        /// <summary>Higher scores get smaller keys, in the order of <see cref="double.CompareTo(double)"/> (NaN last).</summary>
        private static ulong DescendingKey(double score)
        {
            if (double.IsNaN(score))
            {
                return ulong.MaxValue;
            }

            var bits = (ulong)BitConverter.DoubleToInt64Bits(score == 0 ? 0.0 : score);
            var ascending = (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
            return ~ascending;
        }
    }

    public static List<Finding> Resolve(List<Finding> findings)
    {
        var n = findings.Count;
        if (n <= 1)
        {
            return findings;
        }

        // Most findings overlap no other one and are kept whatever their rank: sort by start (integer keys), cut the list into
        // groups of transitively overlapping findings, and rank only inside groups of two or more. The greedy choice in one
        // group never depends on another group (no finding of one overlaps a finding of another), so the result is the same
        // as ranking all of them.
        // One 64-bit key per finding (start, then index) sorts as a primitive array, faster than a key/item pair sort; the
        // order among equal starts does not matter (such findings overlap, so they are ranked in one group by index last).
        var all = CollectionsMarshal.AsSpan(findings);
        if (n <= StackFindings)
        {
            // A short prompt's few candidates: scratch on the stack (four pooled rents and returns cost more than the sort).
            return Resolve(all, stackalloc ulong[n], stackalloc int[n], stackalloc int[n], stackalloc int[n]);
        }

        var keys = ArrayPool<ulong>.Shared.Rent(n);
        var order = ArrayPool<int>.Shared.Rent(n);
        var starts = ArrayPool<int>.Shared.Rent(n);
        var keptIndex = ArrayPool<int>.Shared.Rent(n);
        try
        {
            return Resolve(all, keys.AsSpan(0, n), order.AsSpan(0, n), starts.AsSpan(0, n), keptIndex.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(order);
            ArrayPool<int>.Shared.Return(starts);
            ArrayPool<int>.Shared.Return(keptIndex);
        }
    }

    /// <summary>Candidates up to this many are resolved with scratch space on the stack.</summary>
    private const int StackFindings = 64;

    /// <summary><see cref="Resolve(List{Finding})"/> with scratch spans of at least <paramref name="all"/>'s length.</summary>
    private static List<Finding> Resolve(ReadOnlySpan<Finding> all, Span<ulong> keys, Span<int> order, Span<int> starts, Span<int> keptIndex)
    {
        var n = all.Length;
        var m = 0;
        for (var i = 0; i < n; i++)
        {
            if (all[i].Length > 0)
            {
                keys[m++] = ((ulong)(uint)(all[i].Start ^ int.MinValue) << 32) | (uint)i;
            }
        }

        keys[..m].Sort();
        for (var k = 0; k < m; k++)
        {
            order[k] = (int)(uint)keys[k];
            starts[k] = all[order[k]].Start;
        }

        var count = 0;
        for (var i = 0; i < m;)
        {
            var maxEnd = all[order[i]].End;
            var j = i + 1;
            while (j < m && starts[j] < maxEnd)
            {
                maxEnd = Math.Max(maxEnd, all[order[j]].End);
                j++;
            }

            if (j == i + 1)
            {
                keptIndex[count++] = order[i];
            }
            else
            {
                count += ResolveGroup(all, order.Slice(i, j - i), keptIndex[count..]);
            }

            i = j;
        }

        var kept = new List<Finding>(count);
        CollectionsMarshal.SetCount(kept, count);
        var output = CollectionsMarshal.AsSpan(kept);
        for (var i = 0; i < count; i++)
        {
            output[i] = all[keptIndex[i]];
        }

        return kept;
    }

    /// <summary>Groups up to this size are ranked on the stack (insertion sort, pairwise overlap checks).</summary>
    private const int SmallGroup = 16;

    /// <summary>Ranks one group of overlapping findings (non-empty), writes the indices of the kept ones in start order to
    /// <paramref name="output"/> and returns how many.</summary>
    private static int ResolveGroup(ReadOnlySpan<Finding> all, ReadOnlySpan<int> group, Span<int> output)
    {
        var n = group.Length;
        if (n <= SmallGroup)
        {
            return ResolveSmallGroup(all, group, output);
        }

        var ranked = ArrayPool<Ranked>.Shared.Rent(n);
        var keptIndex = ArrayPool<int>.Shared.Rent(n);
        var starts = ArrayPool<int>.Shared.Rent(n);
        ulong[]? covered = null;
        try
        {
            var min = int.MaxValue;
            var max = 0;
            for (var i = 0; i < n; i++)
            {
                ref readonly var f = ref all[group[i]];
                ranked[i] = new Ranked(f, group[i]);
                min = Math.Min(min, f.Start);
                max = Math.Max(max, f.End);
            }

            ranked.AsSpan(0, n).Sort();

            // Characters covered by kept findings, one bit each: a candidate is kept when none of its characters is covered.
            // Checking and marking work on 64-bit words, so the cost is linear in the total length of the candidates (each
            // recognizer's candidates are mostly disjoint), not quadratic in their number.
            var words = ((max - min) >> 6) + 1;
            covered = ArrayPool<ulong>.Shared.Rent(words);
            Array.Clear(covered, 0, words);
            var count = 0;
            for (var i = 0; i < n; i++)
            {
                ref readonly var f = ref all[ranked[i].Index];
                if (AnySet(covered, f.Start - min, f.End - min))
                {
                    continue;
                }

                SetRange(covered, f.Start - min, f.End - min);
                keptIndex[count] = ranked[i].Index;
                starts[count] = f.Start;
                count++;
            }

            // Kept findings are disjoint and not empty: their starts are distinct.
            Array.Sort(starts, keptIndex, 0, count);
            keptIndex.AsSpan(0, count).CopyTo(output);
            return count;
        }
        finally
        {
            ArrayPool<Ranked>.Shared.Return(ranked, clearArray: true);
            ArrayPool<int>.Shared.Return(keptIndex);
            ArrayPool<int>.Shared.Return(starts);
            if (covered is not null)
            {
                ArrayPool<ulong>.Shared.Return(covered);
            }
        }
    }

    /// <summary>
    /// The same choice as the general path for a few findings, without pooled arrays: rank by insertion sort (the order of
    /// <see cref="Ranked"/>), keep each finding that overlaps no kept one, emit the kept ones by start.
    /// </summary>
    private static int ResolveSmallGroup(ReadOnlySpan<Finding> all, ReadOnlySpan<int> group, Span<int> output)
    {
        var n = group.Length;
        Span<int> order = stackalloc int[n];
        for (var i = 0; i < n; i++)
        {
            var candidate = group[i];
            var key = new Ranked(all[candidate], candidate);
            var j = i;
            while (j > 0 && key.CompareTo(new Ranked(all[order[j - 1]], order[j - 1])) < 0)
            {
                order[j] = order[j - 1];
                j--;
            }

            order[j] = candidate;
        }

        var kept = output;
        var count = 0;
        foreach (var index in order)
        {
            ref readonly var f = ref all[index];
            var free = true;
            for (var k = 0; k < count && free; k++)
            {
                free = !all[kept[k]].Overlaps(f);
            }

            if (!free)
            {
                continue;
            }

            // Kept findings are disjoint and not empty: their starts are distinct; insert by start.
            var at = count++;
            while (at > 0 && all[kept[at - 1]].Start > f.Start)
            {
                kept[at] = kept[at - 1];
                at--;
            }

            kept[at] = index;
        }

        return count;
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
