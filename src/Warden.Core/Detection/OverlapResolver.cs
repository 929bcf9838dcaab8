namespace Warden.Core.Detection;

/// <summary>
/// Resolves overlapping findings deterministically: higher score wins, then the longer span, then the
/// earlier start, then the type name (ordinal), then the recognizer name. The survivors do not overlap and
/// are returned in start order. O(n log n).
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
        var kept = new List<Finding>(findings.Count);
        // Kept spans sorted by start, for O(log n) overlap checks.
        var byStart = new SortedList<int, Finding>();
        foreach (var f in findings)
        {
            if (f.Length <= 0 || OverlapsKept(byStart, f))
            {
                continue;
            }

            byStart.Add(f.Start, f);
        }

        kept.AddRange(byStart.Values);
        return kept;
    }

    private static bool OverlapsKept(SortedList<int, Finding> kept, in Finding f)
    {
        if (kept.Count == 0)
        {
            return false;
        }

        var keys = kept.Keys;
        // Binary search for the last kept span starting before f.End.
        int lo = 0, hi = keys.Count - 1, idx = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (keys[mid] < f.End)
            {
                idx = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return idx >= 0 && kept.Values[idx].End > f.Start;
    }
}
