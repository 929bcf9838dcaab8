using System.Buffers;
using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// EMAIL_ADDRESS: local@domain.tld (RFC 5322 dot-atoms, no quoted local parts). A hand-written scanner anchored on '@'
/// finds exactly the matches of <see cref="Email"/> (the reference, kept for differential tests): no regex runs over the text.
/// </summary>
internal sealed partial class EmailRecognizer() : RegexRecognizer("EmailRecognizer", EntityTypes.EmailAddress, 0.9, ["email", "e-mail", "mail"])
{
    private static readonly SearchValues<char> EmailAnchors = SearchValues.Create("@");
    private static readonly CharClass EmailAlphabet = CharClass.Of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-@");

    /// <summary>Characters of the local part (<c>[A-Za-z0-9._%+\-]</c>).</summary>
    private static readonly SearchValues<char> LocalChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-");

    /// <summary>Characters of the domain after its first one (<c>[A-Za-z0-9\-]</c> and the dots).</summary>
    private static readonly SearchValues<char> DomainChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-");

    protected override SearchValues<char> Anchors => EmailAnchors;

    protected override CharClass Alphabet => EmailAlphabet;

    protected override int MinLength => 6;

    protected override Regex Pattern => Email();

    /// <summary>
    /// The pattern's matches, found by hand. A match's local part holds no '@', so each match belongs to one '@': it starts
    /// at the first non-dot character of the run of local characters before the '@' (not before the previous match's end:
    /// matches do not overlap), and ends after the top-level domain that the backtracking order picks (see
    /// <see cref="DomainEnd"/>). Every character is looked at a bounded number of times: linear.
    /// </summary>
    protected override void Scan(string text, List<Finding> results)
    {
        var span = text.AsSpan();
        var floor = 0;
        var pos = 0;
        while (pos < span.Length)
        {
            var rel = span[pos..].IndexOf('@');
            if (rel < 0)
            {
                return;
            }

            var at = pos + rel;
            pos = at + 1;
            if (at == floor || !LocalChars.Contains(span[at - 1]))
            {
                // No local part; neither has any '@' right after this one (a wall of '@' is passed in one search).
                var more = span[pos..].IndexOfAnyExcept('@');
                pos = more < 0 ? span.Length : pos + more;
                continue;
            }

            var left = span[floor..at].LastIndexOfAnyExcept(LocalChars);
            var localStart = left < 0 ? floor : floor + left + 1;
            var first = span[localStart..at].IndexOfAnyExcept('.');
            if (first < 0)
            {
                continue;
            }

            var end = DomainEnd(span, at + 1);
            if (end < 0)
            {
                continue;
            }

            Consider(text, localStart + first, end, results);
            floor = end;
            pos = end;
        }
    }

    /// <summary>
    /// Where <c>[A-Za-z0-9](?:[A-Za-z0-9\-]*\.)+[A-Za-z]{2,24}</c> ends when it starts at <paramref name="d"/>, or -1. The
    /// greedy loop reaches the last dot of the run of domain characters and gives dots back one by one until two letters
    /// follow one: the top-level domain is at most 24 of those letters.
    /// </summary>
    private static int DomainEnd(ReadOnlySpan<char> span, int d)
    {
        if (d >= span.Length || !char.IsAsciiLetterOrDigit(span[d]))
        {
            return -1;
        }

        var rest = span[(d + 1)..];
        var stop = rest.IndexOfAnyExcept(DomainChars);
        var domain = stop < 0 ? rest : rest[..stop];
        for (var dot = domain.LastIndexOf('.'); dot >= 0; dot = domain[..dot].LastIndexOf('.'))
        {
            var tail = domain[(dot + 1)..];
            var count = 0;
            while (count < tail.Length && count < 24 && char.IsAsciiLetter(tail[count]))
            {
                count++;
            }

            if (count >= 2)
            {
                return d + 1 + dot + 1 + count;
            }
        }

        return -1;
    }

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        // Local part must not start/end with a dot; the TLD must be letters.
        if (text[start] == '.' || text[text.IndexOf('@', start) - 1] == '.')
        {
            return false;
        }

        return true;
    }

    [GeneratedRegex(@"[A-Za-z0-9_%+\-][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*\.)+[A-Za-z]{2,24}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Email();
}
