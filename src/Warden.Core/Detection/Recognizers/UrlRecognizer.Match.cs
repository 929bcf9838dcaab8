namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// The matches of <c>Url()</c> found by hand in an ASCII window: no regex set-up per window (most windows
/// that reach the pattern are short: e-mail addresses whose local part holds a dot and a top-level domain's first letters).
/// </summary>
internal sealed partial class UrlRecognizer
{
    /// <summary>Windows with a character outside ASCII keep the regex (its case-insensitive classes and \s, \d are Unicode's).</summary>
    protected override void MatchRun(string text, int from, int to, List<Finding> results)
    {
        if (!System.Text.Ascii.IsValid(text.AsSpan(from, to - from)))
        {
            MatchIn(text, from, to, results);
            return;
        }

        var pos = from;
        while (NextMatch(text, ref pos, to, out var start))
        {
            Consider(text, start, pos, results);
        }
    }

    /// <summary>
    /// The next match of the pattern in the ASCII window text[pos..to), as the regex finds it (leftmost start, the length its
    /// backtracking-priority semantics give): false when there is none; else its start, and <paramref name="pos"/> moved to its
    /// end (where the next search resumes).
    /// <list type="bullet">
    /// <item>The scheme branch comes first at a start: a scheme, "://", then the longest run (at least two) of characters
    /// other than white space and &lt;&gt;"'`.</item>
    /// <item>The domain branch: the labels <c>[A-Za-z0-9][A-Za-z0-9-]*</c> joined by single dots reach, greedily, the same
    /// end E from every start in one stretch; backtracking then tries the dots up to E from the right, so the dot before the
    /// top-level domain is the rightmost dot after the start (up to E) followed by one of the list, the first of the list
    /// that fits. The optional "www." never changes the match (without it, "www" is a label). Then, each taken when present:
    /// a dot and two letters, a colon and two to five digits, a '/' and the rest of the run of URL characters.</item>
    /// </list>
    /// The regex stays the reference: <c>UrlMatchTests</c> compares every match with it.
    /// </summary>
    internal static bool NextMatch(string text, ref int pos, int to, out int start)
    {
        var stretchEnd = -1; // E of the stretch of labels being walked, and its rightmost dot before a top-level domain
        var bestDot = -1;
        var bestLength = 0;
        for (var s = pos; s < to; s++)
        {
            if (!char.IsAsciiLetterOrDigit(text[s]))
            {
                continue;
            }

            if (SchemeEnd(text, s, to) is var end and > 0)
            {
                (start, pos) = (s, end);
                return true;
            }

            if (s >= stretchEnd)
            {
                stretchEnd = LabelsEnd(text, s, to);
                (bestDot, bestLength) = RightmostDomainDot(text, s, stretchEnd, to);
            }

            if (bestDot > s)
            {
                (start, pos) = (s, DomainTail(text, bestDot + 1 + bestLength, to));
                return true;
            }
        }

        start = -1;
        return false;
    }

    /// <summary>The end of <c>(?:https?|ftp|wss?)://[^\s&lt;&gt;"'`]{2,}</c> at <paramref name="s"/>, or 0.</summary>
    private static int SchemeEnd(string text, int s, int to)
    {
        if ((text[s] | 0x20) is not ('h' or 'f' or 'w') || s + 5 >= to)
        {
            return 0; // every scheme starts with one of these letters; the shortest match is "ws://" and two characters
        }

        var w = text.AsSpan(s, to - s);
        var head = w.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? 8
            : w.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? 7
            : w.StartsWith("wss://", StringComparison.OrdinalIgnoreCase) || w.StartsWith("ftp://", StringComparison.OrdinalIgnoreCase) ? 6
            : w.StartsWith("ws://", StringComparison.OrdinalIgnoreCase) ? 5
            : 0;
        if (head == 0)
        {
            return 0;
        }

        var end = s + head;
        while (end < to && UrlChar(text[end]))
        {
            end++;
        }

        return end - (s + head) >= 2 ? end : 0;
    }

    private static bool UrlChar(char c) => !char.IsWhiteSpace(c) && c is not ('<' or '>' or '"' or '\'' or '`');

    /// <summary>
    /// The greedy end of <c>[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9][A-Za-z0-9-]*)*</c> from the letter or digit at
    /// <paramref name="s"/>: the first character that is neither a label character nor a dot before a letter or digit.
    /// </summary>
    private static int LabelsEnd(string text, int s, int to)
    {
        var i = s;
        while (i < to && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '-' || (text[i] == '.' && i + 1 < to && char.IsAsciiLetterOrDigit(text[i + 1]))))
        {
            i++;
        }

        return i;
    }

    /// <summary>The rightmost dot in (s, e] followed by a top-level domain of the list, with that domain's length; (-1, 0) if none.</summary>
    private static (int Dot, int Length) RightmostDomainDot(string text, int s, int e, int to)
    {
        for (var d = Math.Min(e, to - 1); d > s; d--)
        {
            if (text[d] == '.' && TopLevelDomainLength(text.AsSpan(d + 1, to - d - 1)) is var length and > 0)
            {
                return (d, length);
            }
        }

        return (-1, 0);
    }

    /// <summary>The length of the first top-level domain of the list (the regex's order) that <paramref name="after"/> starts with, in any case; 0 if none.</summary>
    private static int TopLevelDomainLength(ReadOnlySpan<char> after)
    {
        if (!TopLevelDomainAt(after))
        {
            return 0;
        }

        var first = (char)(after[0] | 0x20);
        foreach (var tld in TopLevelDomains)
        {
            if (tld[0] == first && after.StartsWith(tld, StringComparison.OrdinalIgnoreCase))
            {
                return tld.Length;
            }
        }

        return 0;
    }

    /// <summary>After the top-level domain: <c>(?:\.[a-z]{2})?(?::\d{2,5})?(?:/[^\s&lt;&gt;"'`]*)?</c>, each part taken when present.</summary>
    private static int DomainTail(string text, int i, int to)
    {
        if (i + 2 < to && text[i] == '.' && char.IsAsciiLetter(text[i + 1]) && char.IsAsciiLetter(text[i + 2]))
        {
            i += 3;
        }

        if (i < to && text[i] == ':')
        {
            var digits = 0;
            while (digits < 5 && i + 1 + digits < to && char.IsAsciiDigit(text[i + 1 + digits]))
            {
                digits++;
            }

            if (digits >= 2)
            {
                i += 1 + digits;
            }
        }

        if (i < to && text[i] == '/')
        {
            i++;
            while (i < to && UrlChar(text[i]))
            {
                i++;
            }
        }

        return i;
    }
}
