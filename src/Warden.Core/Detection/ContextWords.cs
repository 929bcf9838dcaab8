namespace Warden.Core.Detection;

/// <summary>
/// Checks whether one of a few context words occurs shortly before (or after) a match, e.g.
/// "card", "ssn", "born". Case-insensitive, ASCII word boundaries, bounded window: O(window) per call.
/// </summary>
internal sealed class ContextWords
{
    private readonly string[] _words;

    public ContextWords(IEnumerable<string> words)
    {
        _words = words.Where(w => !string.IsNullOrWhiteSpace(w)).Select(w => w.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    public bool IsEmpty => _words.Length == 0;

    /// <summary>True when a context word ends within <paramref name="before"/> characters before <paramref name="start"/>
    /// or starts within <paramref name="after"/> characters after <paramref name="end"/>.</summary>
    public bool Near(string text, int start, int end, int before = 48, int after = 16)
    {
        if (_words.Length == 0)
        {
            return false;
        }

        var from = Math.Max(0, start - before);
        var window = text.AsSpan(from, start - from);
        var to = Math.Min(text.Length, end + after);
        var tail = text.AsSpan(end, to - end);
        foreach (var w in _words)
        {
            if (ContainsWord(window, w) || ContainsWord(tail, w))
            {
                return true;
            }
        }

        return false;
    }

    internal static bool ContainsWord(ReadOnlySpan<char> haystack, string word)
    {
        var offset = 0;
        while (offset <= haystack.Length - word.Length)
        {
            var i = haystack[offset..].IndexOf(word, StringComparison.OrdinalIgnoreCase);
            if (i < 0)
            {
                return false;
            }

            var s = offset + i;
            var e = s + word.Length;
            var leftOk = s == 0 || !char.IsLetterOrDigit(haystack[s - 1]);
            var rightOk = e >= haystack.Length || !char.IsLetter(haystack[e]);
            if (leftOk && rightOk)
            {
                return true;
            }

            offset = s + 1;
        }

        return false;
    }
}
