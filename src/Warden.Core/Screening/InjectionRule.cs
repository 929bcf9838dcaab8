using System.Buffers;
using System.Text.RegularExpressions;

namespace Warden.Core.Screening;

/// <summary>One instruction-like pattern aimed at a model. Patterns run with <see cref="RegexOptions.NonBacktracking"/> (linear time).</summary>
/// <param name="Id">Stable signal id, e.g. <c>rule.ignore_previous</c>.</param>
/// <param name="Weight">Probability-like weight; rules at 0.5 or above decide alone at the default threshold.</param>
/// <param name="Pattern">The compiled pattern.</param>
/// <param name="Anchors">Words one of which occurs near the start of every match; the pattern only runs on windows around them.</param>
/// <param name="CharAnchors">Single-character anchors (e.g. <c>@</c>), searched separately: mixed into <paramref name="Anchors"/> they would push the string search off its vectorised path.</param>
/// <param name="Negatable">A match right after "not", "n't" or "never" does not count ("Do not tell the user …" is a prohibition, not an order).</param>
internal sealed record InjectionRule(string Id, float Weight, Regex Pattern, SearchValues<string> Anchors, SearchValues<char>? CharAnchors = null, bool Negatable = false)
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
        return TryMatch(text, reject: null, out index, out length);
    }

    /// <summary>As <see cref="TryMatch(string, out int, out int)"/>, skipping every match whose start <paramref name="reject"/> refuses (a negated order must not hide a later one).</summary>
    public bool TryMatch(string text, Func<string, int, bool>? reject, out int index, out int length)
    {
        index = length = 0;
        var from = 0;
        var charHit = -2; // next single-character anchor at or after `from` (-2: not searched yet, -1: none left)
        while (from < text.Length)
        {
            var hit = NextHit(text, from, ref charHit);
            if (hit < 0)
            {
                return false;
            }

            var start = Math.Max(0, hit - Before);
            var end = Math.Min(text.Length, hit + After);

            // Merge following hits into this window (bounded, so the window stays small).
            while (end < text.Length && end - start < 8 * After)
            {
                var next = NextHit(text, hit + 1, ref charHit);
                if (next < 0 || next >= end)
                {
                    break;
                }

                hit = next;
                end = Math.Min(text.Length, hit + After);
            }

            foreach (var m in Pattern.EnumerateMatches(text.AsSpan(start, end - start)))
            {
                if (reject is not null && reject(text, start + m.Index))
                {
                    continue;
                }

                index = start + m.Index;
                length = m.Length;
                return true;
            }

            from = Math.Max(end - Before, hit + 1);
        }

        return false;
    }

    private int NextHit(string text, int from, ref int charHit)
    {
        if (CharAnchors is not null && charHit != -1 && charHit < from)
        {
            var c = text.AsSpan(from).IndexOfAny(CharAnchors);
            charHit = c < 0 ? -1 : from + c;
        }

        // The string search stops at the next character hit: no character is scanned twice.
        var limit = charHit >= 0 ? charHit : text.Length;
        var rel = text.AsSpan(from, limit - from).IndexOfAny(Anchors);
        return rel >= 0 ? from + rel : charHit >= 0 ? charHit : -1;
    }
}
