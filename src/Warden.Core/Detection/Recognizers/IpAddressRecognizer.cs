using System.Net;
using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>IP_ADDRESS: dotted IPv4 (each octet 0–255, no leading zeros) and IPv6 (validated by <see cref="IPAddress"/>).</summary>
internal sealed partial class IpAddressRecognizer() : RegexRecognizer("IpAddressRecognizer", EntityTypes.IpAddress, 0.85, ["ip", "ipv4", "ipv6", "address", "host"])
{
    private static readonly System.Buffers.SearchValues<char> IpAnchors = System.Buffers.SearchValues.Create("0123456789:");
    private static readonly CharClass IpAlphabet = CharClass.Of("0123456789ABCDEFabcdef.:");

    protected override System.Buffers.SearchValues<char> Anchors => IpAnchors;

    protected override CharClass Alphabet => IpAlphabet;

    protected override bool AnchorFollowed => true;

    protected override int MinLength => 2;

    /// <summary>IPv4 has three dots, IPv6 at least two colons.</summary>
    protected override bool RunMayMatch(ReadOnlySpan<char> run) => run.Count('.') >= 3 || run.Count(':') >= 2;

    private static readonly System.Buffers.SearchValues<char> DigitsAndColon = System.Buffers.SearchValues.Create("0123456789:");

    /// <summary>
    /// Two passes instead of the pattern over every run with an anchor:
    /// <list type="bullet">
    /// <item>IPv6 (and IPv4 inside IPv6): the pattern over the alphabet runs that hold a colon followed, after at most four hex
    /// digits, by another colon (see <see cref="ColonPairAt"/>): every match of its IPv6 branch holds one, so elsewhere only
    /// the IPv4 branch can match. The runs are the maximal alphabet runs around such a colon (bounded by the previous run's
    /// end).</item>
    /// <item>IPv4 elsewhere, from the shared digit-run list: in a run where only the IPv4 branch matches, a match that passes
    /// <see cref="Validate"/> has no digit or dot before it and no digit (or dot and digit) after it, so it is four whole
    /// digit runs of one to three digits joined by single dots, and no earlier match (digits and dots only) can reach over
    /// its first character. The walk finds exactly those, in O(1) per digit run.</item>
    /// </list>
    /// </summary>
    protected override void Scan(string text, List<Finding> results)
    {
        MatchAroundCandidates(text, IpAlphabet, results);
        var runs = DigitRuns.For(text);
        for (var k = 0; k + 3 < runs.Count; k++)
        {
            if (!DottedQuadAt(text, runs, k))
            {
                continue;
            }

            var (runStart, runEnd) = IpAlphabet.RunAround(text, runs.Start(k), 0);
            if (!HasColonPair(text, runStart, runEnd))
            {
                Consider(text, runs.Start(k), runs.End(k + 3), results);
            }
        }
    }

    protected override int NextCandidate(string text, int from)
    {
        var rel = text.AsSpan(from).IndexOf(':');
        return rel < 0 ? -1 : from + rel;
    }

    protected override bool CandidateMayMatch(string text, int at) => ColonPairAt(text, at);

    /// <summary>The colon at <paramref name="at"/> is followed by at most four hex digits and another colon.</summary>
    private static bool ColonPairAt(string text, int at)
    {
        for (var i = at + 1; i < text.Length && i <= at + 5; i++)
        {
            if (text[i] == ':')
            {
                return true;
            }

            if (!char.IsAsciiHexDigit(text[i]))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>text[start..end) holds a colon for which <see cref="ColonPairAt"/> holds.</summary>
    private static bool HasColonPair(string text, int start, int end)
    {
        for (var at = text.AsSpan(start, end - start).IndexOf(':'); at >= 0; at = text.AsSpan(start, end - start).IndexOf(':'))
        {
            if (ColonPairAt(text, start + at))
            {
                return true;
            }

            start += at + 1;
        }

        return false;
    }

    /// <summary>Runs k to k+3 have one to three digits each, are joined by single dots and are bounded as <see cref="Validate"/> needs.</summary>
    private static bool DottedQuadAt(string text, DigitRuns runs, int k)
    {
        for (var i = k; i <= k + 3; i++)
        {
            if (DigitShapes.Length(runs, i) > 3 || (i > k && (runs.Start(i) - runs.End(i - 1) != 1 || text[runs.End(i - 1)] != '.')))
            {
                return false;
            }
        }

        var s = runs.Start(k);
        var e = runs.End(k + 3);
        return (s == 0 || text[s - 1] != '.') && (e + 1 >= text.Length || text[e] != '.' || !char.IsAsciiDigit(text[e + 1]));
    }

    protected override double ContextBoost => 0.1;

    protected override Regex Pattern => Ip();

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        var s = text.AsSpan(start, end - start);
        if (s.Contains(':'))
        {
            // IPv6: trim a trailing ':' picked up from "addr: next" and require at least two colons.
            while (s.Length > 0 && s[^1] == ':' && !s.EndsWith("::"))
            {
                s = s[..^1];
                end--;
            }

            if (s.Count(':') < 2 || (start > 0 && (char.IsAsciiHexDigit(text[start - 1]) || text[start - 1] == ':')))
            {
                return false;
            }

            if (s.Count(':') < 7 && !s.Contains("::", StringComparison.Ordinal))
            {
                return false;
            }

            // Times such as 10:30:00 are not addresses.
            if (s.IndexOfAnyExcept(DigitsAndColon) < 0 && !s.Contains("::", StringComparison.Ordinal))
            {
                return false;
            }

            return IPAddress.TryParse(s, out var a) && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        if ((start > 0 && (char.IsAsciiDigit(text[start - 1]) || text[start - 1] == '.')) ||
            (end < text.Length && (char.IsAsciiDigit(text[end]) || (text[end] == '.' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1])))))
        {
            return false; // part of a longer dotted number such as a version 1.2.3.4.5
        }

        return Octets(s);
    }

    /// <summary>
    /// Four parts between dots, each of one to three ASCII digits without a leading zero and at most 255 (the IPv4 branch of
    /// the pattern and the dotted-quad walk give digits and dots only).
    /// </summary>
    private static bool Octets(ReadOnlySpan<char> s)
    {
        var parts = 0;
        while (true)
        {
            var dot = s.IndexOf('.');
            var p = dot < 0 ? s : s[..dot];
            if (p.Length is 0 or > 3 || (p.Length > 1 && p[0] == '0'))
            {
                return false;
            }

            var value = 0;
            foreach (var c in p)
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                value = (value * 10) + (c - '0');
            }

            if (value > 255)
            {
                return false;
            }

            parts++;
            if (dot < 0)
            {
                return parts == 4;
            }

            s = s[(dot + 1)..];
        }
    }

    /// <summary>
    /// True for a dotted quad with octets 0–255 and no leading zeros, such as 10.20.30.40: four parts of one to three ASCII
    /// digits joined by single dots, read in one pass (its tests compare it with the former Split and int.Parse version).
    /// </summary>
    internal static bool IsDottedQuad(ReadOnlySpan<char> s)
    {
        if (s.Length is < 7 or > 15)
        {
            return false;
        }

        var parts = 0;
        var i = 0;
        while (true)
        {
            var begin = i;
            var value = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                value = (value * 10) + (s[i] - '0');
                i++;
            }

            var length = i - begin;
            if (length is 0 or > 3 || (length > 1 && s[begin] == '0') || value > 255)
            {
                return false;
            }

            parts++;
            if (i == s.Length)
            {
                return parts == 4;
            }

            if (s[i] != '.' || parts == 4)
            {
                return false;
            }

            i++;
        }
    }

    [GeneratedRegex(@"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Ip();
}
