using System.Buffers;
using System.Text.RegularExpressions;

namespace Warden.Core.Screening;

/// <summary>One instruction-like pattern aimed at a model. Patterns run with <see cref="RegexOptions.NonBacktracking"/> (linear time).</summary>
/// <param name="Id">Stable signal id, e.g. <c>rule.ignore_previous</c>.</param>
/// <param name="Weight">Probability-like weight; rules at 0.5 or above decide alone at the default threshold.</param>
/// <param name="Pattern">The compiled pattern.</param>
/// <param name="Anchors">Words one of which occurs near the start of every match; the pattern only runs on windows around them.</param>
internal sealed record InjectionRule(string Id, float Weight, Regex Pattern, SearchValues<string> Anchors)
{
    /// <summary>How far before an anchor a match may start.</summary>
    public const int Before = 96;

    /// <summary>How far after an anchor a match may end.</summary>
    public const int After = 240;

    /// <summary>
    /// The first match, searching only windows around anchor hits (a vectorised multi-string scan), so long
    /// documents cost one scan per rule instead of one regex pass per rule. Overlapping windows are merged,
    /// so each character is examined by the pattern at most once per window.
    /// </summary>
    public bool TryMatch(string text, out int index, out int length)
    {
        index = length = 0;
        var from = 0;
        while (from < text.Length)
        {
            var rel = text.AsSpan(from).IndexOfAny(Anchors);
            if (rel < 0)
            {
                return false;
            }

            var hit = from + rel;
            var start = Math.Max(0, hit - Before);
            var end = Math.Min(text.Length, hit + After);

            // Merge following hits into this window (bounded, so the window stays small).
            while (end < text.Length && end - start < 8 * After)
            {
                var next = text.AsSpan(hit + 1, end - hit - 1).IndexOfAny(Anchors);
                if (next < 0)
                {
                    break;
                }

                hit = hit + 1 + next;
                end = Math.Min(text.Length, hit + After);
            }

            foreach (var m in Pattern.EnumerateMatches(text.AsSpan(start, end - start)))
            {
                index = start + m.Index;
                length = m.Length;
                return true;
            }

            from = Math.Max(end - Before, hit + 1);
        }

        return false;
    }
}
