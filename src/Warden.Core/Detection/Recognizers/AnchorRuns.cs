using System.Buffers;
using System.Runtime.Intrinsics;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// A set of characters, possibly given by its complement ("everything except whitespace and quotes"), with vectorized
/// searches through <see cref="SearchValues{T}"/>.
/// </summary>
internal sealed class CharClass
{
    private readonly SearchValues<char> _values;
    private readonly bool _inverted;

    private CharClass(SearchValues<char> values, bool inverted)
    {
        _values = values;
        _inverted = inverted;
    }

    /// <summary>Exactly the characters of <paramref name="chars"/>.</summary>
    public static CharClass Of(string chars) => new(SearchValues.Create(chars), false);

    /// <summary>Every character except white space (as <c>\s</c> in .NET regexes) and <paramref name="except"/>.</summary>
    public static CharClass NotWhiteSpaceOr(string except)
    {
        var stops = new List<char>(except);
        for (var c = 0; c <= char.MaxValue; c++)
        {
            if (char.IsWhiteSpace((char)c))
            {
                stops.Add((char)c);
            }
        }

        return new(SearchValues.Create([.. stops.Distinct()]), true);
    }

    public bool Contains(char c) => _values.Contains(c) != _inverted;

    /// <summary>Index of the first character of <paramref name="s"/> outside the class, or -1.</summary>
    public int IndexOfOutside(ReadOnlySpan<char> s) => _inverted ? s.IndexOfAny(_values) : s.IndexOfAnyExcept(_values);

    /// <summary>Index of the last character of <paramref name="s"/> outside the class, or -1.</summary>
    public int LastIndexOfOutside(ReadOnlySpan<char> s) => _inverted ? s.LastIndexOfAny(_values) : s.LastIndexOfAnyExcept(_values);

    /// <summary>
    /// The maximal run of class characters around <paramref name="at"/> (which must be in the class), not reaching back
    /// before <paramref name="floor"/>.
    /// </summary>
    public (int Start, int End) RunAround(ReadOnlySpan<char> text, int at, int floor)
    {
        var left = LastIndexOfOutside(text[floor..at]);
        var start = left < 0 ? floor : floor + left + 1;
        var right = IndexOfOutside(text[at..]);
        var end = right < 0 ? text.Length : at + right;
        return (start, end);
    }
}

/// <summary>
/// Enumerates the maximal runs of <c>alphabet</c> characters that contain at least one <c>anchor</c> character, left to
/// right, without overlap. A pattern whose matches consist only of alphabet characters and always contain an anchor
/// finds exactly the same matches in these runs as in the whole text (when it has no anchors or lookarounds), while the
/// text between runs is skipped with vectorized searches. Each character is examined a bounded number of times: linear.
/// </summary>
internal ref struct AnchorRuns
{
    private readonly ReadOnlySpan<char> _text;
    private readonly SearchValues<char> _anchors;
    private readonly CharClass _alphabet;
    private readonly bool _followed;
    private readonly string? _anchorChars;
    private int _pos;

    /// <param name="followed">Only anchors followed by an alphabet character count: for patterns whose every match has an
    /// anchor that is not its last character (a TLD dot, the ':' of "://").</param>
    /// <param name="anchorChars">The anchors as one to three characters, when <paramref name="followed"/>: anchors followed by
    /// a space, tab or line break (never in an alphabet used with it) are then skipped eight at a time instead of one search
    /// per anchor (the dots and colons that end sentences).</param>
    public AnchorRuns(ReadOnlySpan<char> text, SearchValues<char> anchors, CharClass alphabet, bool followed = false, string? anchorChars = null)
    {
        _text = text;
        _anchors = anchors;
        _alphabet = alphabet;
        _followed = followed;
        _anchorChars = followed && anchorChars is { Length: >= 1 and <= 3 } && !alphabet.Contains(' ') && !alphabet.Contains('\n') && !alphabet.Contains('\r') && !alphabet.Contains('\t')
            ? anchorChars
            : null;
        _pos = 0;
        Current = default;
    }

    public (int Start, int End) Current { get; private set; }

    public readonly AnchorRuns GetEnumerator() => this;

    public bool MoveNext()
    {
        while (_pos < _text.Length)
        {
            var rel = _anchorChars is { } chars ? FollowedAnchors.IndexOf(_text[_pos..], chars) : _text[_pos..].IndexOfAny(_anchors);
            if (rel < 0)
            {
                _pos = _text.Length;
                return false;
            }

            var at = _pos + rel;
            if (!_alphabet.Contains(_text[at]) || (_followed && (at + 1 == _text.Length || !_alphabet.Contains(_text[at + 1]))))
            {
                _pos = at + 1;
                continue;
            }

            Current = _alphabet.RunAround(_text, at, _pos);
            _pos = Current.End;
            return true;
        }

        return false;
    }
}

/// <summary>
/// Finds an anchor character that is not followed by a space, tab or line break (nor the last character), 16 (or 8)
/// characters per step with 256-bit (or 128-bit) vectors: one search per likely run instead of one per sentence-ending dot
/// or colon. The characters after a block are compared only when the block holds an anchor (most blocks of prose do not).
/// </summary>
internal static class FollowedAnchors
{
    public static int IndexOf(ReadOnlySpan<char> text, string anchors)
    {
        var a0 = anchors[0];
        var a1 = anchors.Length > 1 ? anchors[1] : a0;
        var a2 = anchors.Length > 2 ? anchors[2] : a0;
        var i = 0;
        var u = System.Runtime.InteropServices.MemoryMarshal.Cast<char, ushort>(text);
        // The last block of a text longer than one block ends at its last character and overlaps the block before it (whose
        // positions were no hits): no scalar tail after each search.
        if (Vector256.IsHardwareAccelerated)
        {
            var v0 = Vector256.Create((ushort)a0);
            var v1 = Vector256.Create((ushort)a1);
            var v2 = Vector256.Create((ushort)a2);
            for (; i + 17 <= u.Length; i = i + 33 <= u.Length || i + 17 == u.Length ? i + 16 : u.Length - 17)
            {
                var current = Vector256.Create(u.Slice(i, 16));
                var anchor = Vector256.Equals(current, v0) | Vector256.Equals(current, v1) | Vector256.Equals(current, v2);
                if (anchor == Vector256<ushort>.Zero)
                {
                    continue;
                }

                var next = Vector256.Create(u.Slice(i + 1, 16));
                var blank = Vector256.Equals(next, Vector256.Create((ushort)' ')) | Vector256.Equals(next, Vector256.Create((ushort)'\n'))
                    | Vector256.Equals(next, Vector256.Create((ushort)'\r')) | Vector256.Equals(next, Vector256.Create((ushort)'\t'));
                var hits = Vector256.AndNot(anchor, blank).ExtractMostSignificantBits();
                if (hits != 0)
                {
                    return i + System.Numerics.BitOperations.TrailingZeroCount(hits);
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var v0 = Vector128.Create((ushort)a0);
            var v1 = Vector128.Create((ushort)a1);
            var v2 = Vector128.Create((ushort)a2);
            for (; i + 9 <= u.Length; i = i + 17 <= u.Length || i + 9 == u.Length ? i + 8 : u.Length - 9)
            {
                var current = Vector128.Create(u.Slice(i, 8));
                var anchor = Vector128.Equals(current, v0) | Vector128.Equals(current, v1) | Vector128.Equals(current, v2);
                if (anchor == Vector128<ushort>.Zero)
                {
                    continue;
                }

                var next = Vector128.Create(u.Slice(i + 1, 8));
                var blank = Vector128.Equals(next, Vector128.Create((ushort)' ')) | Vector128.Equals(next, Vector128.Create((ushort)'\n'))
                    | Vector128.Equals(next, Vector128.Create((ushort)'\r')) | Vector128.Equals(next, Vector128.Create((ushort)'\t'));
                var hits = Vector128.AndNot(anchor, blank).ExtractMostSignificantBits();
                if (hits != 0)
                {
                    return i + System.Numerics.BitOperations.TrailingZeroCount(hits);
                }
            }
        }

        return IndexOfScalar(text, i, a0, a1, a2);
    }

    /// <summary>The same search one character at a time from <paramref name="i"/> (the tail after the last whole block).</summary>
    private static int IndexOfScalar(ReadOnlySpan<char> text, int i, char a0, char a1, char a2)
    {
        for (; i + 1 < text.Length; i++)
        {
            var c = text[i];
            if ((c == a0 || c == a1 || c == a2) && text[i + 1] is not (' ' or '\n' or '\r' or '\t'))
            {
                return i;
            }
        }

        return -1;
    }
}
