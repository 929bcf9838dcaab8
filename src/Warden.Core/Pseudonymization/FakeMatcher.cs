using System.Buffers;

namespace Warden.Core.Pseudonymization;

/// <summary>
/// Finds the fakes a session issued in text (to restore them). A fake matches only as a whole word: not preceded or
/// followed by a letter or digit, so a fake "Anna" is not found inside "Annabelle". Fakes are grouped by first
/// character and tried longest first. Not thread-safe: the session calls it under its lock.
/// </summary>
internal sealed class FakeMatcher
{
    private static readonly SearchValues<char> LessThanOnly = SearchValues.Create("<");
    private readonly Dictionary<char, List<string>> _byFirst = [];
    private SearchValues<char>? _starts;

    public int Count { get; private set; }

    /// <summary>Length of the longest fake.</summary>
    public int MaxLength { get; private set; }

    /// <summary>'&lt;' (token surrogates) plus the first character of every fake.</summary>
    public SearchValues<char> Starts => _starts ??= _byFirst.Count == 0 ? LessThanOnly : SearchValues.Create([.. _byFirst.Keys.Append('<').Distinct()]);

    public void Clear()
    {
        _byFirst.Clear();
        _starts = null;
        Count = 0;
        MaxLength = 0;
    }

    public void Add(string fake)
    {
        if (!_byFirst.TryGetValue(fake[0], out var list))
        {
            list = [];
            _byFirst[fake[0]] = list;
        }

        list.Add(fake);
        list.Sort((a, b) => b.Length.CompareTo(a.Length));
        _starts = null;
        Count++;
        MaxLength = Math.Max(MaxLength, fake.Length);
    }

    /// <summary>The fake at <paramref name="i"/> as a whole word, or null. With <paramref name="endIsOpen"/> a fake that ends the text does not count (more may follow).</summary>
    public string? Match(ReadOnlySpan<char> text, int i, bool endIsOpen = false)
    {
        if (!_byFirst.TryGetValue(text[i], out var list) || (i > 0 && char.IsLetterOrDigit(text[i - 1])))
        {
            return null;
        }

        foreach (var fake in list)
        {
            var end = i + fake.Length;
            if (end <= text.Length && text.Slice(i, fake.Length).SequenceEqual(fake) &&
                (end < text.Length ? !char.IsLetterOrDigit(text[end]) || !char.IsLetterOrDigit(fake[^1]) : !endIsOpen))
            {
                return fake;
            }
        }

        return null;
    }

    /// <summary>
    /// Where a streamed text must be cut so that no fake is split or judged before its end is known: the first
    /// position in the tail whose rest could still be (or grow into) a fake, moved back before any fake that would
    /// straddle the cut. Returns <paramref name="text"/>.Length when nothing needs holding back.
    /// </summary>
    public int SafeCut(ReadOnlySpan<char> text, int cut)
    {
        if (Count == 0)
        {
            return cut;
        }

        var from = Math.Max(0, text.Length - MaxLength);
        for (var p = from; p < Math.Min(cut, text.Length); p++)
        {
            if ((p > 0 && char.IsLetterOrDigit(text[p - 1])) || !_byFirst.TryGetValue(text[p], out var list))
            {
                continue;
            }

            var rest = text[p..];
            foreach (var fake in list)
            {
                if (fake.Length >= rest.Length && fake.AsSpan().StartsWith(rest))
                {
                    cut = p;
                    break;
                }
            }

            if (cut == p)
            {
                break;
            }
        }

        // A whole fake that starts before the cut and ends after it moves the cut back to its start.
        for (var p = Math.Max(0, cut - MaxLength); p < cut; p++)
        {
            if (Match(text, p) is { } f && p + f.Length > cut)
            {
                return p;
            }
        }

        return cut;
    }
}
