using System.Buffers;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// Exact necessary conditions on the digit runs of a candidate, for <see cref="RegexRecognizer.DigitsMayStartAt"/>: each
/// digit-anchored recognizer's validation requires its match to be bounded (no letter or digit just outside), so the digits
/// of an accepted match are whole digit runs (no longer run can hold them) joined by the pattern's single separators. The
/// checks look at run lengths and the one character between runs only: O(1) per run (bounded walks for cards), no regex.
/// </summary>
internal static class DigitShapes
{
    /// <summary>A space or a dash, the separators of most grouped numbers.</summary>
    public static SearchValues<char> SpaceOrDash { get; } = SearchValues.Create(" -");

    public static SearchValues<char> Space { get; } = SearchValues.Create(" ");

    public static SearchValues<char> AsciiLetters { get; } = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static int Length(DigitRuns runs, int k) => runs.End(k) - runs.Start(k);

    /// <summary>No letter or digit just before <paramref name="start"/>.</summary>
    public static bool BoundedLeft(string text, int start) => start == 0 || !char.IsLetterOrDigit(text[start - 1]);

    /// <summary>No letter or digit at <paramref name="end"/>.</summary>
    public static bool BoundedRight(string text, int end) => end >= text.Length || !char.IsLetterOrDigit(text[end]);

    /// <summary>
    /// Runs k, k+1, … have exactly the lengths <paramref name="lengths"/>, each joined to the next by one character of
    /// <paramref name="separators"/>; when <paramref name="bounded"/>, the group has no letter or digit just outside.
    /// </summary>
    public static bool Sequence(string text, DigitRuns runs, int k, ReadOnlySpan<int> lengths, SearchValues<char> separators, bool bounded = true)
    {
        if (k + lengths.Length > runs.Count)
        {
            return false;
        }

        for (var i = 0; i < lengths.Length; i++)
        {
            if (Length(runs, k + i) != lengths[i])
            {
                return false;
            }

            if (i > 0 && (runs.Start(k + i) - runs.End(k + i - 1) != 1 || !separators.Contains(text[runs.End(k + i - 1)])))
            {
                return false;
            }
        }

        return !bounded || (BoundedLeft(text, runs.Start(k)) && BoundedRight(text, runs.End(k + lengths.Length - 1)));
    }

    /// <summary>
    /// Copies the digits of runs k to k+count-1 into <paramref name="buffer"/>; returns how many, or -1 when they do not fit.
    /// </summary>
    public static int Gather(string text, DigitRuns runs, int k, int count, Span<char> buffer)
    {
        var n = 0;
        for (var j = k; j < k + count; j++)
        {
            var digits = text.AsSpan(runs.Start(j), Length(runs, j));
            if (!digits.TryCopyTo(buffer[n..]))
            {
                return -1;
            }

            n += digits.Length;
        }

        return n;
    }

    /// <summary>One run of exactly <paramref name="length"/> digits with no letter or digit around it.</summary>
    public static bool Single(string text, DigitRuns runs, int k, int length) =>
        Length(runs, k) == length && BoundedLeft(text, runs.Start(k)) && BoundedRight(text, runs.End(k));
}
