using System.Buffers;

namespace Warden.Core.Detection;

/// <summary>
/// Checks whether one of a few context words occurs shortly before (or after) a match, e.g.
/// "card", "ssn", "born". Case-insensitive, ASCII word boundaries, bounded window: O(window) per call.
/// All words are found with one vectorized multi-string search (<see cref="SearchValues{T}"/>); nothing is lower-cased
/// or copied.
/// </summary>
internal sealed class ContextWords
{
    private readonly string[] _words;
    private readonly SearchValues<string>? _any;

    public ContextWords(IEnumerable<string> words)
    {
        _words = words.Where(w => !string.IsNullOrWhiteSpace(w)).Select(w => w.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        _any = _words.Length == 0 ? null : SearchValues.Create(_words, StringComparison.OrdinalIgnoreCase);
    }

    public bool IsEmpty => _words.Length == 0;

    /// <summary>True when a context word ends within <paramref name="before"/> characters before <paramref name="start"/>
    /// or starts within <paramref name="after"/> characters after <paramref name="end"/>.</summary>
    public bool Near(string text, int start, int end, int before = 48, int after = 16)
    {
        if (_any is null)
        {
            return false;
        }

        var from = Math.Max(0, start - before);
        var to = Math.Min(text.Length, end + after);
        return ContainsAny(text.AsSpan(from, start - from)) || ContainsAny(text.AsSpan(end, to - end));
    }

    private bool ContainsAny(ReadOnlySpan<char> haystack)
    {
        var offset = 0;
        while (offset < haystack.Length)
        {
            var i = haystack[offset..].IndexOfAny(_any!);
            if (i < 0)
            {
                return false;
            }

            var s = offset + i;
            foreach (var w in _words)
            {
                if (haystack[s..].StartsWith(w, StringComparison.OrdinalIgnoreCase) && Bounded(haystack, s, s + w.Length))
                {
                    return true;
                }
            }

            offset = s + 1;
        }

        return false;
    }

    private static bool Bounded(ReadOnlySpan<char> haystack, int s, int e) =>
        (s == 0 || !char.IsLetterOrDigit(haystack[s - 1])) && (e >= haystack.Length || !char.IsLetter(haystack[e]));
}
