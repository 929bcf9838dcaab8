using System.Buffers;
using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>Values assigned to secret-looking names (<c>password=…</c>, <c>api_key: "…"</c>) and how credential-like a value is.</summary>
internal sealed partial class SecretRecognizer
{
    internal static readonly SearchValues<string> PlaceholderWords = SearchValues.Create(["xxxx", "here", "example", "placeholder"], StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Assignments to secret-looking names: the pattern runs only from just before each name stem ("pass", "pw",
    /// "secret", "token", "key", "credential") to the end of the line where the value can start, windows merged, and only
    /// when some stem in the window is followed by a name ending and a separator (<see cref="StemMayAssign"/>): prose such
    /// as "tokens", "keyboard" or "a single token," skips the pattern.
    /// </summary>
    private void FindAssignments(string text, List<Finding> results)
    {
        var span = text.AsSpan();
        var pos = 0;
        while (pos < span.Length)
        {
            var rel = IndexOfStem(span[pos..]);
            if (rel < 0)
            {
                return;
            }

            var stem = pos + rel;
            var from = Math.Max(pos, stem - StemLead);
            var to = LineEndAfter(span, stem + StemToValue);
            var mayAssign = StemMayAssign(span, stem);
            var next = stem + 1;
            while (next < to)
            {
                // A later stem in the window may reach past it: extend the window to cover its value.
                var r2 = IndexOfStem(span[next..to]);
                if (r2 < 0)
                {
                    break;
                }

                // Only a value that can start at or past the window end moves it: the line end is searched from there on,
                // so the window grows left to right and each character is searched once (1 MB of names stays linear).
                var reach = next + r2 + StemToValue;
                if (reach >= to)
                {
                    to = LineEndAfter(span, reach);
                }

                mayAssign = mayAssign || StemMayAssign(span, next + r2);
                next += r2 + 1;
            }

            if (mayAssign)
            {
                MatchAssignments(text, from, to, results);
            }

            pos = to;
        }
    }

    /// <summary>
    /// A necessary condition for a match of <see cref="SecretPatterns.Assignment"/> whose name holds the stem at
    /// <paramref name="stem"/>: one of the names that stem can belong to ends there ("pass" → pass, passwd, password,
    /// passphrase; "pw" → pw, pwd; "credential" → credential(s); the other stems end their names), then an optional quote, and
    /// either white space followed by a character that can start a value, or ':' / '='. Suffix letters outside ASCII
    /// count as matching (the regex engine's case equivalences decide), so the check never rejects a match.
    /// </summary>
    internal static bool StemMayAssign(ReadOnlySpan<char> text, int stem)
    {
        var s = text[stem..];
        return (StartsWithLetters(s, "pass") && (SeparatorFollows(text, stem + 4)
                || (StartsWithLetters(s[4..], "wd") && SeparatorFollows(text, stem + 6))
                || (StartsWithLetters(s[4..], "word") && SeparatorFollows(text, stem + 8))
                || (StartsWithLetters(s[4..], "phrase") && SeparatorFollows(text, stem + 10))))
            || (StartsWithLetters(s, "pw") && (SeparatorFollows(text, stem + 2) || (StartsWithLetters(s[2..], "d") && SeparatorFollows(text, stem + 3))))
            || (StartsWithLetters(s, "credential") && (SeparatorFollows(text, stem + 10) || (StartsWithLetters(s[10..], "s") && SeparatorFollows(text, stem + 11))))
            || (StartsWithLetters(s, "secret") && SeparatorFollows(text, stem + 6))
            || (StartsWithLetters(s, "token") && SeparatorFollows(text, stem + 5))
            || (StartsWithLetters(s, "key") && SeparatorFollows(text, stem + 3));
    }

    /// <summary>True when <paramref name="s"/> starts with <paramref name="lower"/> in any case (a non-ASCII character counts as a match).</summary>
    private static bool StartsWithLetters(ReadOnlySpan<char> s, string lower)
    {
        if (s.Length < lower.Length)
        {
            return false;
        }

        for (var i = 0; i < lower.Length; i++)
        {
            if (!char.IsAscii(s[i]))
            {
                continue;
            }

            if ((char)(s[i] | 0x20) != lower[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// After a name ending at <paramref name="end"/>: <c>["']?</c>, then up to three white-space characters and ':' or '=',
    /// or one to seven white-space characters (the separator and the spaces around it) and a character that can start a value.
    /// </summary>
    private static bool SeparatorFollows(ReadOnlySpan<char> text, int end)
    {
        var i = end;
        if (i < text.Length && text[i] is '"' or '\'')
        {
            i++;
        }

        var spaces = 0;
        while (i + spaces < text.Length && spaces < 8 && char.IsWhiteSpace(text[i + spaces]))
        {
            spaces++;
        }

        if (i + spaces >= text.Length)
        {
            return false;
        }

        var c = text[i + spaces];
        return spaces == 0 ? c is ':' or '=' : spaces <= 7 && c is not (',' or ';' or ')');
    }

    private static int LineEndAfter(ReadOnlySpan<char> text, int at)
    {
        if (at >= text.Length)
        {
            return text.Length;
        }

        var i = text[at..].IndexOfAny('\r', '\n');
        return i < 0 ? text.Length : at + i;
    }

    /// <summary>
    /// The matches of <see cref="SecretPatterns.Assignment"/> in the window, matched by hand (<see cref="NextAssignment"/>),
    /// or by <paramref name="pattern"/> when one is given (the reference, for tests), each turned into a finding when its
    /// value looks like a credential.
    /// </summary>
    internal void MatchAssignments(string text, int from, int to, List<Finding> results, Regex? pattern = null)
    {
        if (pattern is not null)
        {
            foreach (var w in pattern.EnumerateMatches(text.AsSpan(from, to - from)))
            {
                AddAssignment(text, from + w.Index, w.Length, results);
            }

            return;
        }

        var window = text.AsSpan(from, to - from);
        var quotes = UnclosedQuotes.None;
        for (var at = 0; NextAssignment(window, at, ref quotes, out var index, out var length); at = index + length)
        {
            AddAssignment(text, from + index, length, results);
        }
    }

    /// <summary>Reports the value of the match at <paramref name="index"/> when it looks like a credential.</summary>
    private void AddAssignment(string text, int index, int length, List<Finding> results)
    {
        var span = text.AsSpan(index, length);
        var (valueStart, valueLength) = ValueOf(span);
        if (valueLength <= 0)
        {
            return;
        }

        var value = span.Slice(valueStart, valueLength);
        var score = CredentialScore(value);
        if (score <= 0)
        {
            return;
        }

        // "Server=db;User Id=app;Password=…;" — a key=value list separated by ';' is a connection string.
        var valueEnd = index + valueStart + valueLength;
        var kind = (index > 0 && text[index - 1] == ';') || (valueEnd < text.Length && text[valueEnd] == ';')
            ? "connection_string"
            : "credential_assignment";
        results.Add(new Finding(Detection.EntityTypes.Secret, index + valueStart, valueEnd, score, Name, kind));
    }

    /// <summary>Finds the value after the name and separator; strips quotes.</summary>
    private static (int Start, int Length) ValueOf(ReadOnlySpan<char> m)
    {
        var i = m.Length - 1;
        if (m[i] is '"' or '\'')
        {
            var q = m[i];
            var open = m[..i].LastIndexOf(q);
            if (open < 0)
            {
                return (0, 0);
            }

            return (open + 1, i - open - 1);
        }

        // Bare value: back up to the separator.
        var sep = m.LastIndexOfAny("=: \t");
        return (sep + 1, m.Length - sep - 1);
    }

    /// <summary>
    /// How much a value assigned to a secret-looking name looks like a real credential: not a variable
    /// reference or placeholder, not plain words, long enough and mixed enough. 0 means "not a secret".
    /// A format placeholder such as <c>{db_password}</c> is reported at a low score: the assembled
    /// string will carry the credential.
    /// </summary>
    internal static double CredentialScore(ReadOnlySpan<char> v)
    {
        if (v.Length >= 2 && v[0] == '{' && v[^1] == '}' && v[1..^1].IndexOfAnyExcept(TokenChars) < 0 && v[1..^1].IndexOf('-') < 0)
        {
            return 0.4;
        }

        if (v.Length < 8 || v[0] is '$' or '%' or '<' or '{' or '[' || v.Contains("%s", StringComparison.Ordinal) || v.Contains("${", StringComparison.Ordinal) || v.Contains("{{", StringComparison.Ordinal))
        {
            return 0;
        }

        // One vectorized search for the placeholder words ("xxxx", "here", "example", "placeholder", any case): the
        // invariant-mode ignore-case Contains it replaces is a scalar loop per word.
        if (v.IndexOfAny(' ', '\t') >= 0 || v.Contains("****", StringComparison.Ordinal) || IsUuid(v) || v.IndexOfAny(PlaceholderWords) >= 0)
        {
            return 0;
        }

        int lower = 0, upper = 0, digit = 0, symbol = 0;
        foreach (var c in v)
        {
            if (char.IsAsciiLetterLower(c))
            {
                lower = 1;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                upper = 1;
            }
            else if (char.IsAsciiDigit(c))
            {
                digit = 1;
            }
            else if (c is not ('-' or '_' or '.'))
            {
                symbol = 1;
            }
        }

        var classes = lower + upper + digit + symbol;
        var entropy = Checksums.Entropy(v);
        if (classes >= 3 || (classes == 2 && v.Length >= 12 && entropy >= 3.0) || (v.Length >= 20 && entropy >= 3.5))
        {
            return Math.Min(0.9, 0.5 + (entropy / 10));
        }

        return 0;
    }

    private static bool IsUuid(ReadOnlySpan<char> v) =>
        v.Length == 36 && v[8] == '-' && v[13] == '-' && v[18] == '-' && v[23] == '-' && v.IndexOfAnyExcept(UuidChars) < 0;
}
