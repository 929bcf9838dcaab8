using System.Buffers;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// <see cref="SecretPatterns.Assignment"/> matched by hand: the pattern is a fixed shape (a name from a short list, an
/// optional quote, a separator between bounded runs of white space, a quoted or bare value), so its leftmost-first matches
/// follow from a few character tests, without the regex engine's per-call setup (a regex call over a window cost about as
/// much as the rest of the assignment search). The regex stays the reference (differential tests).
/// </summary>
internal sealed partial class SecretRecognizer
{
    /// <summary>
    /// The characters a name can start with: the first letters of the names in either case, and the Kelvin sign (U+212A),
    /// which the pattern's invariant ignore-case matching treats as a 'k'. No other character outside ASCII is equivalent
    /// to a letter of the names (tested over every UTF-16 code unit).
    /// </summary>
    private static readonly SearchValues<char> NameStarts = SearchValues.Create("pPsStTaAcCkK\u212A");

    /// <summary>
    /// Per window: where a quoted value last failed to close (no closing quote before the line or window ends). A later
    /// value opening with the same quote inside that stretch fails the same way, so a line of unclosed quotes is searched
    /// once, not once per start position (linear time, as the regex engine).
    /// </summary>
    internal struct UnclosedQuotes
    {
        private int _doubleFrom;
        private int _doubleTo;
        private int _singleFrom;
        private int _singleTo;

        public static UnclosedQuotes None => new() { _doubleFrom = -1, _doubleTo = -1, _singleFrom = -1, _singleTo = -1 };

        /// <summary>The end of the quoted value opened at <paramref name="open"/> (past its closing quote), or -1.</summary>
        public int CloseAfter(ReadOnlySpan<char> w, int open)
        {
            var quote = w[open];
            ref var from = ref quote == '"' ? ref _doubleFrom : ref _singleFrom;
            ref var to = ref quote == '"' ? ref _doubleTo : ref _singleTo;
            if (open >= from && open < to)
            {
                return -1;
            }

            var rel = w[(open + 1)..].IndexOfAny(quote, '\r', '\n');
            if (rel >= 0 && w[open + 1 + rel] == quote)
            {
                return open + rel + 2;
            }

            (from, to) = (open, rel < 0 ? w.Length : open + 1 + rel);
            return -1;
        }
    }

    /// <summary>
    /// The next match of <see cref="SecretPatterns.Assignment"/> in <paramref name="w"/> starting at or after
    /// <paramref name="from"/>, as the regex enumerates them over <paramref name="w"/> (leftmost start, then the first
    /// alternative in the pattern's order that completes): false when there is none.
    /// </summary>
    internal static bool NextAssignment(ReadOnlySpan<char> w, int from, ref UnclosedQuotes quotes, out int index, out int length)
    {
        var p = from;
        while (p < w.Length)
        {
            var rel = w[p..].IndexOfAny(NameStarts);
            if (rel < 0)
            {
                break;
            }

            p += rel;
            var end = AssignmentAt(w, p, ref quotes);
            if (end > 0)
            {
                (index, length) = (p, end - p);
                return true;
            }

            p++;
        }

        (index, length) = (0, 0);
        return false;
    }

    /// <summary>
    /// The end of the match starting at <paramref name="p"/>, or -1. The alternatives that can match at one position are
    /// tried in the pattern's order: password|passwd|passphrase before pass, pwd before pw, api[_-]?key with the separator
    /// first, credentials before credential (names with different first letters never compete).
    /// </summary>
    private static int AssignmentAt(ReadOnlySpan<char> w, int p, ref UnclosedQuotes quotes)
    {
        int r;
        switch (Fold(w[p]))
        {
            case 'p':
                if (NameAt(w, p, "pass"))
                {
                    if ((NameAt(w, p + 4, "word") && (r = AfterName(w, p + 8, ref quotes)) > 0)
                        || (NameAt(w, p + 4, "wd") && (r = AfterName(w, p + 6, ref quotes)) > 0)
                        || (NameAt(w, p + 4, "phrase") && (r = AfterName(w, p + 10, ref quotes)) > 0))
                    {
                        return r;
                    }

                    return AfterName(w, p + 4, ref quotes);
                }

                if (NameAt(w, p, "pw"))
                {
                    return NameAt(w, p + 2, "d") && (r = AfterName(w, p + 3, ref quotes)) > 0 ? r : AfterName(w, p + 2, ref quotes);
                }

                return NameAt(w, p, "private") ? KeyAfterPrefix(w, p + 7, ref quotes) : -1;
            case 's':
                return NameAt(w, p, "secret") ? AfterName(w, p + 6, ref quotes) : -1;
            case 't':
                return NameAt(w, p, "token") ? AfterName(w, p + 5, ref quotes) : -1;
            case 'a':
                return NameAt(w, p, "api") ? KeyAfterPrefix(w, p + 3, ref quotes)
                    : NameAt(w, p, "access") ? KeyAfterPrefix(w, p + 6, ref quotes)
                    : NameAt(w, p, "auth") ? KeyAfterPrefix(w, p + 4, ref quotes)
                    : -1;
            case 'c':
                if (NameAt(w, p, "credential"))
                {
                    return NameAt(w, p + 10, "s") && (r = AfterName(w, p + 11, ref quotes)) > 0 ? r : AfterName(w, p + 10, ref quotes);
                }

                return -1;
            case 'k':
                return NameAt(w, p, "key") ? AfterName(w, p + 3, ref quotes) : -1;
            default:
                return -1;
        }
    }

    /// <summary><c>[_\-]?key</c> after a name prefix (the separator first, as the greedy <c>?</c> tries it).</summary>
    private static int KeyAfterPrefix(ReadOnlySpan<char> w, int at, ref UnclosedQuotes quotes)
    {
        int r;
        if (at < w.Length && w[at] is '_' or '-' && NameAt(w, at + 1, "key") && (r = AfterName(w, at + 4, ref quotes)) > 0)
        {
            return r;
        }

        return NameAt(w, at, "key") ? AfterName(w, at + 3, ref quotes) : -1;
    }

    /// <summary>A character as the pattern's ignore-case matching sees a name letter: ASCII folded to lower case, the Kelvin sign as 'k'.</summary>
    private static char Fold(char c) => c == '\u212A' ? 'k' : (char)(c | 0x20);

    /// <summary>Whether <paramref name="lower"/> (lower-case ASCII letters) is at <paramref name="at"/>, as the pattern compares it.</summary>
    private static bool NameAt(ReadOnlySpan<char> w, int at, string lower)
    {
        if (at + lower.Length > w.Length)
        {
            return false;
        }

        for (var i = 0; i < lower.Length; i++)
        {
            if (Fold(w[at + i]) != lower[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>["']?\s{0,3}(?::=|=&gt;|=|:|\s)\s{0,3}</c> then the value, after a name ending at <paramref name="e"/>: the end of
    /// the match, or -1. Tried in the regex's order: the quote taken, then not; the most white space first; the separators
    /// in the pattern's order. The white space before the value is a greedy <c>\s{0,3}</c> and no value starts with white
    /// space, so only the whole run (at most three) can precede it.
    /// </summary>
    private static int AfterName(ReadOnlySpan<char> w, int e, ref UnclosedQuotes quotes)
    {
        int r;
        if (e < w.Length && w[e] is '"' or '\'' && (r = AfterQuote(w, e + 1, ref quotes)) > 0)
        {
            return r;
        }

        return AfterQuote(w, e, ref quotes);
    }

    private static int AfterQuote(ReadOnlySpan<char> w, int a, ref UnclosedQuotes quotes)
    {
        var spaces = 0;
        while (spaces < 3 && a + spaces < w.Length && char.IsWhiteSpace(w[a + spaces]))
        {
            spaces++;
        }

        for (var b = a + spaces; b >= a; b--)
        {
            if (b >= w.Length)
            {
                continue;
            }

            int r;
            switch (w[b])
            {
                case ':' or '=':
                    if (b + 1 < w.Length && w[b + 1] == (w[b] == ':' ? '=' : '>') && (r = ValueAfter(w, b + 2, ref quotes)) > 0)
                    {
                        return r;
                    }

                    if ((r = ValueAfter(w, b + 1, ref quotes)) > 0)
                    {
                        return r;
                    }

                    break;
                case var c when char.IsWhiteSpace(c):
                    if ((r = ValueAfter(w, b + 1, ref quotes)) > 0)
                    {
                        return r;
                    }

                    break;
            }
        }

        return -1;
    }

    /// <summary><c>\s{0,3}(?:"[^"\r\n]*"|'[^'\r\n]*'|[^\s"',;)]+)</c> from <paramref name="c"/>: the end, or -1.</summary>
    private static int ValueAfter(ReadOnlySpan<char> w, int c, ref UnclosedQuotes quotes)
    {
        var v = c;
        while (v < w.Length && char.IsWhiteSpace(w[v]))
        {
            if (++v - c > 3)
            {
                return -1;
            }
        }

        if (v >= w.Length)
        {
            return -1;
        }

        var first = w[v];
        if (first is '"' or '\'')
        {
            return quotes.CloseAfter(w, v);
        }

        if (first is ',' or ';' or ')')
        {
            return -1;
        }

        var end = v + 1;
        while (end < w.Length && !char.IsWhiteSpace(w[end]) && w[end] is not ('"' or '\'' or ',' or ';' or ')'))
        {
            end++;
        }

        return end;
    }
}
