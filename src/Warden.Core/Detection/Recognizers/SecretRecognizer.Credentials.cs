namespace Warden.Core.Detection.Recognizers;

/// <summary>Provider keys with a shape checked by hand: AWS access key ids and credentials embedded in URLs.</summary>
internal sealed partial class SecretRecognizer
{
    private const string AwsKind = "aws_access_key_id";

    private const int AwsKeyLength = 20;

    private const string UrlCredentialsKind = "url_credentials";

    /// <summary>
    /// The first match of <see cref="SecretPatterns.UrlCredentials"/> in <paramref name="run"/> starting at or after
    /// <paramref name="from"/> (end 0 when none), as the regex finds it. Every part of the pattern is a greedy run of a class
    /// that excludes the character right after it (scheme characters exclude ':', the user excludes ':', the password '@'),
    /// so each part is the maximal run of its class: for one "://" the earliest start is the first letter at most 21
    /// characters before it whose scheme run reaches it, and no match can span two "://" (none of the classes before the host
    /// holds ':' and '/' both, the host holds no '/'), so the "://" in text order give the leftmost matches. Linear: each
    /// part's scan stops at the next "://".
    /// </summary>
    internal static (int Start, int End) UrlCredentialsFrom(ReadOnlySpan<char> run, int from)
    {
        var pos = from;
        while (pos < run.Length)
        {
            var rel = run[pos..].IndexOf("://", StringComparison.Ordinal);
            if (rel < 0)
            {
                break;
            }

            var c = pos + rel;
            pos = c + 1;

            // The scheme: a letter, then 1 to 20 of [A-Za-z0-9+.-], ending right before "://".
            var b = c;
            while (b > from && c - b < 21 && IsSchemeChar(run[b - 1]))
            {
                b--;
            }

            var start = -1;
            for (var i = b; i <= c - 2; i++)
            {
                if (char.IsAsciiLetter(run[i]))
                {
                    start = i;
                    break;
                }
            }

            if (start < 0)
            {
                continue;
            }

            // The user ([^\s:/@"'`<>]+), ':', the password ([^\s/@"'`<>]+), '@', the host ([^\s/"'`<>]+).
            var u = c + 3;
            var k = PartEnd(run, u, UrlUserClass);

            if (k == u || k >= run.Length || run[k] != ':')
            {
                continue;
            }

            var pw = ++k;
            k = PartEnd(run, pw, UrlPasswordClass);

            if (k == pw || k >= run.Length || run[k] != '@')
            {
                continue;
            }

            var h = ++k;
            k = PartEnd(run, h, UrlHostClass);

            if (k > h)
            {
                return (start, k);
            }
        }

        return (0, 0);
    }

    private static bool IsSchemeChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '.' or '-';

    /// <summary>The user of <c>scheme://user:password@host</c>: <c>[^\s:/@"'`&lt;&gt;]</c>.</summary>
    private static readonly CharClass UrlUserClass = CharClass.NotWhiteSpaceOr("\"'`<>:/@");

    /// <summary>The password: <c>[^\s/@"'`&lt;&gt;]</c>.</summary>
    private static readonly CharClass UrlPasswordClass = CharClass.NotWhiteSpaceOr("\"'`<>/@");

    /// <summary>The host: <c>[^\s/"'`&lt;&gt;]</c>.</summary>
    private static readonly CharClass UrlHostClass = CharClass.NotWhiteSpaceOr("\"'`<>/");

    /// <summary>The end of the maximal run of <paramref name="part"/> characters from <paramref name="from"/> (one vectorized search).</summary>
    private static int PartEnd(ReadOnlySpan<char> run, int from, CharClass part)
    {
        var stop = part.IndexOfOutside(run[from..]);
        return stop < 0 ? run.Length : from + stop;
    }

    /// <summary>
    /// The start of the first match of <see cref="SecretPatterns.AwsAccessKeyId"/> at or after <paramref name="from"/> in a
    /// run of [A-Z0-9] (the rule's alphabet), or -1: every match is 20 characters, "AKIA", "ABIA", "ACCA", "ASIA" or "A3T"
    /// and one more, then 16 run characters, so the regex's leftmost matches, each search resuming after the last match,
    /// are exactly these.
    /// </summary>
    internal static int AwsKeyFrom(ReadOnlySpan<char> run, int from)
    {
        for (var i = from; i + AwsKeyLength <= run.Length; i++)
        {
            if (run[i] == 'A' && (run.Slice(i + 1, 2) is "KI" or "BI" or "CC" or "SI" ? run[i + 3] == 'A' : run.Slice(i + 1, 2) is "3T"))
            {
                return i;
            }
        }

        return -1;
    }
}
