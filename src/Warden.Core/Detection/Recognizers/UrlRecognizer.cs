using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>URL: scheme URLs (http, https, ftp, ws, wss), <c>www.</c> hosts, and bare domains with a common TLD.</summary>
internal sealed partial class UrlRecognizer() : RegexRecognizer("UrlRecognizer", EntityTypes.Url, 0.6, ["url", "website", "link", "site", "domain"])
{
    private static readonly System.Buffers.SearchValues<char> UrlAnchors = System.Buffers.SearchValues.Create(".:");
    private static readonly CharClass UrlAlphabet = CharClass.NotWhiteSpaceOr("<>\"'`");

    protected override System.Buffers.SearchValues<char> Anchors => UrlAnchors;

    protected override CharClass Alphabet => UrlAlphabet;

    protected override bool AnchorFollowed => true;

    protected override string AnchorChars => ".:";

    protected override int MinLength => 5;

    /// <summary>
    /// A necessary condition for a run to yield a URL that passes <see cref="Validate"/>: the match must start at a letter
    /// or digit whose previous character is none of the ones <see cref="Validate"/> rejects (a letter, digit, '@', '.', '-',
    /// '_' or '/'; the run's first character always qualifies, the run being maximal), and from there either a scheme the
    /// pattern knows is followed by "://", or the run of domain characters (letters, digits, '-', '.') holds a dot followed
    /// by the first two letters of one of the pattern's top-level domains. E-mail domains (after '@'), paths (after '/')
    /// and dotted names glued to other words never reach the pattern. Exact: a character outside ASCII is counted as
    /// anything the pattern's case-insensitive classes could hold (a letter, a digit or a scheme's letter).
    /// </summary>
    protected override bool RunMayMatch(ReadOnlySpan<char> run) => AnchorMayMatch(run, out var hasScheme) && StartMayMatch(run, hasScheme);

    /// <summary>
    /// The first, vectorized stage: somewhere in the run a scheme the pattern knows comes right before "://", or a dot is
    /// followed by the first two letters of one of its top-level domains.
    /// </summary>
    private static bool AnchorMayMatch(ReadOnlySpan<char> run, out bool hasScheme)
    {
        hasScheme = false;
        for (var i = run.IndexOf("://", StringComparison.Ordinal); i >= 0; i = run[(i + 1)..].IndexOf("://", StringComparison.Ordinal) is var j and >= 0 ? i + 1 + j : -1)
        {
            if (SchemeBefore(run[..i]))
            {
                hasScheme = true;
                return true;
            }
        }

        for (var i = run.IndexOf('.'); i >= 0 && i < run.Length - 1; i = run[(i + 1)..].IndexOf('.') is var j and >= 0 ? i + 1 + j : -1)
        {
            if (TopLevelDomainAt(run[(i + 1)..]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The characters after which <see cref="Validate"/> refuses a start (<see cref="char.IsLetterOrDigit(char)"/> is true
    /// for no other ASCII character); outside ASCII, the letters and digits.
    /// </summary>
    private static readonly System.Buffers.SearchValues<char> NoStartAfter =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@.-_/");

    /// <summary>The ASCII characters of a domain run (outside ASCII, every character counts as one).</summary>
    private static readonly System.Buffers.SearchValues<char> DomainChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.");

    /// <summary>
    /// The second stage, on the runs the first one passes: a start <see cref="Validate"/> accepts comes first. The starts are
    /// tried in order, found by a vectorized search for the characters after which a start is allowed (the first character
    /// of the run and those after them), and each run of domain characters is searched for its dots once.
    /// </summary>
    internal static bool StartMayMatch(ReadOnlySpan<char> run, bool hasScheme)
    {
        var checkedTo = 0;
        var p = 0;
        while (p < run.Length)
        {
            var c = run[p];
            if (char.IsAsciiLetterOrDigit(c) || c > 0x7F)
            {
                if (hasScheme && SchemeAt(run[p..]))
                {
                    return true;
                }

                // The domain characters from p: every dot in them was already looked at when an earlier start reached past p.
                var q = Math.Max(p, checkedTo);
                var end = DomainRunEnd(run, q);
                var domain = run[q..end];
                for (var dot = domain.IndexOf('.'); dot >= 0;)
                {
                    if (TopLevelDomainAt(run[(q + dot + 1)..]))
                    {
                        return true;
                    }

                    var more = domain[(dot + 1)..].IndexOf('.');
                    dot = more < 0 ? -1 : dot + 1 + more;
                }

                checkedTo = end;
            }

            // The next start: right after the next character that allows one (possibly run[p] itself).
            var next = p;
            while (true)
            {
                var rel = run[next..].IndexOfAnyExcept(NoStartAfter);
                if (rel < 0)
                {
                    return false;
                }

                next += rel;
                if (run[next] > 0x7F && char.IsLetterOrDigit(run[next]))
                {
                    next++;
                    continue;
                }

                break;
            }

            p = next + 1;
        }

        return false;
    }

    /// <summary>Where the run of domain characters (ASCII letters, digits, '-', '.', anything outside ASCII) from <paramref name="q"/> ends.</summary>
    private static int DomainRunEnd(ReadOnlySpan<char> run, int q)
    {
        while (q < run.Length)
        {
            var rel = run[q..].IndexOfAnyExcept(DomainChars);
            if (rel < 0)
            {
                return run.Length;
            }

            q += rel;
            if (run[q] <= 0x7F)
            {
                return q;
            }

            q++;
        }

        return q;
    }

    /// <summary>True when <paramref name="s"/> may start with a scheme of the pattern followed by "://".</summary>
    internal static bool SchemeAt(ReadOnlySpan<char> s)
    {
        var i = s.IndexOf("://", StringComparison.Ordinal);
        if (i is < 2 or > 5)
        {
            return false;
        }

        var head = s[..i];
        if (!System.Text.Ascii.IsValid(head))
        {
            return true;
        }

        foreach (var scheme in Schemes)
        {
            if (head.Equals(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly string[] Schemes = ["http", "https", "ftp", "ws", "wss"];

    private static readonly string[] TopLevelDomains =
    [
        "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "ai", "co", "app", "dev", "me", "tv", "us", "uk", "de", "fr", "nl",
        "be", "ch", "at", "it", "es", "pt", "se", "no", "dk", "fi", "pl", "cz", "sk", "hu", "ro", "bg", "gr", "tr", "ru", "ua", "cn", "jp", "kr",
        "in", "au", "nz", "ca", "br", "mx", "ar", "cl", "za", "ie", "is", "il", "sg", "hk", "tw", "eu", "ly", "gl", "cc", "xyz", "online", "site",
        "tech", "cloud", "uy", "tn", "si", "hr", "lt", "lv", "ee",
    ];

    /// <summary>The first two letters (lower case) of every top-level domain of the pattern, as a 26 × 26 table.</summary>
    private static readonly bool[] DomainHeads = BuildDomainHeads();

    private static bool[] BuildDomainHeads()
    {
        var table = new bool[26 * 26];
        foreach (var tld in TopLevelDomains)
        {
            table[((tld[0] - 'a') * 26) + (tld[1] - 'a')] = true;
        }

        return table;
    }

    private static bool SchemeBefore(ReadOnlySpan<char> before)
    {
        var tail = before[Math.Max(0, before.Length - 5)..];
        if (!System.Text.Ascii.IsValid(tail))
        {
            return true;
        }

        foreach (var scheme in Schemes)
        {
            if (tail.EndsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The two characters after a dot can start one of the pattern's top-level domains (all have two letters or more).</summary>
    internal static bool TopLevelDomainAt(ReadOnlySpan<char> after)
    {
        if (after.Length < 2)
        {
            return false;
        }

        var (a, b) = (after[0], after[1]);
        if (a > 0x7F || b > 0x7F)
        {
            return true;
        }

        a = (char)(a | 0x20);
        b = (char)(b | 0x20);
        return a is >= 'a' and <= 'z' && b is >= 'a' and <= 'z' && DomainHeads[((a - 'a') * 26) + (b - 'a')];
    }

    protected override double ContextBoost => 0.2;

    protected override Regex Pattern => Url();

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        if (start > 0 && (char.IsLetterOrDigit(text[start - 1]) || text[start - 1] is '@' or '.' or '-' or '_' or '/'))
        {
            return false;
        }

        // Trailing sentence punctuation is not part of the URL; a closing bracket only when unbalanced. The brackets are
        // counted once, then kept up to date as closing ones are trimmed (counting again per trimmed bracket was quadratic
        // in a run of ')').
        Span<int> unbalanced = stackalloc int[3]; // closing minus opening: ( ), [ ], { }
        var counted = false;
        while (end > start)
        {
            var c = text[end - 1];
            if (c is '.' or ',' or ';' or ':' or '!' or '?' or '\'' or '"' or '*')
            {
                end--;
                continue;
            }

            if (c is ')' or ']' or '}')
            {
                if (!counted)
                {
                    CountBrackets(text.AsSpan(start, end - start), unbalanced);
                    counted = true;
                }

                var k = c == ')' ? 0 : c == ']' ? 1 : 2;
                if (unbalanced[k] > 0)
                {
                    unbalanced[k]--;
                    end--;
                    continue;
                }
            }

            break;
        }

        var span = text.AsSpan(start, end - start);
        var hasScheme = span.Contains("://", StringComparison.Ordinal);
        if (!hasScheme && InEmailLocalPart(text, end))
        {
            return false; // the local part of an e-mail address ("jane.cole@example.com" holds "jane.co")
        }

        score = hasScheme || span.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? 0.85 : 0.55;
        return span.Length > 4;
    }

    private static void CountBrackets(ReadOnlySpan<char> s, Span<int> unbalanced)
    {
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '(': unbalanced[0]--; break;
                case ')': unbalanced[0]++; break;
                case '[': unbalanced[1]--; break;
                case ']': unbalanced[1]++; break;
                case '{': unbalanced[2]--; break;
                case '}': unbalanced[2]++; break;
            }
        }
    }

    /// <summary>
    /// True when the characters from <paramref name="end"/> on are e-mail local-part characters (<c>[A-Za-z0-9._%+-]</c>,
    /// possibly none) up to an '@': a bare domain ending there sits in an e-mail address. (One starting after the '@' or
    /// after a '.' or '-' of the address is refused by the start check.) At most 64 characters are looked at, the longest
    /// local part (RFC 5321): candidates glued by '+' would otherwise each scan the whole run (quadratic).
    /// </summary>
    private static bool InEmailLocalPart(string text, int end)
    {
        var i = end;
        var stop = Math.Min(text.Length, end + 64);
        while (i < stop && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '_' or '%' or '+' or '-'))
        {
            i++;
        }

        return i < stop && text[i] == '@';
    }

    [GeneratedRegex(@"(?:https?|ftp|wss?)://[^\s<>""'`]{2,}|(?:www\.)?[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9][A-Za-z0-9\-]*)*\.(?:com|org|net|edu|gov|mil|int|info|biz|io|ai|co|app|dev|me|tv|us|uk|de|fr|nl|be|ch|at|it|es|pt|se|no|dk|fi|pl|cz|sk|hu|ro|bg|gr|tr|ru|ua|cn|jp|kr|in|au|nz|ca|br|mx|ar|cl|za|ie|is|il|sg|hk|tw|eu|ly|gl|cc|xyz|online|site|tech|cloud|uy|tn|si|hr|lt|lv|ee)(?:\.[a-z]{2})?(?::\d{2,5})?(?:/[^\s<>""'`]*)?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Url();
}
