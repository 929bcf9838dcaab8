using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>MAC_ADDRESS: six hex pairs separated by ':' or '-' (one separator throughout), or Cisco dotted triples.</summary>
internal sealed partial class MacAddressRecognizer() : RegexRecognizer("MacAddressRecognizer", EntityTypes.MacAddress, 0.8, ["mac", "hardware", "ethernet"])
{
    private static readonly System.Buffers.SearchValues<char> MacAnchors = System.Buffers.SearchValues.Create(":-.");
    private static readonly CharClass MacAlphabet = CharClass.Of("0123456789ABCDEFabcdef:-.");

    protected override System.Buffers.SearchValues<char> Anchors => MacAnchors;

    protected override CharClass Alphabet => MacAlphabet;

    protected override bool AnchorFollowed => true;

    protected override string AnchorChars => ":-.";

    protected override int MinLength => 14;

    protected override Regex Pattern => Mac();

    /// <summary>
    /// The runs of <see cref="AnchorRuns"/> that hold the first separator of a match: a ':' or '-' with another three
    /// characters on, or a '.' with another five on (the check of <see cref="RunMayMatch"/>, found 16 characters per step),
    /// with the hex digits around it every separator of a match has. The dashes of phone numbers and dates and the dots of
    /// names and versions are passed over without looking for their run. The runs are the same maximal runs (found from the
    /// first such separator, bounded by the previous run's end), and a run without one holds no match.
    /// </summary>
    protected override void Scan(string text, List<Finding> results) => MatchAroundCandidates(text, MacAlphabet, results);

    protected override int NextCandidate(string text, int from)
    {
        var rel = IndexOfSeparatorPair(text.AsSpan(from));
        return rel < 0 ? -1 : from + rel;
    }

    protected override bool CandidateMayMatch(string text, int at) => SeparatorMayMatch(text, at);

    /// <summary>
    /// The first ':' or '-' followed three characters later by a ':' or '-', or '.' followed five characters later by a '.';
    /// -1 when there is none.
    /// </summary>
    internal static int IndexOfSeparatorPair(ReadOnlySpan<char> text)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var u = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<char, ushort>(text));
            var colon = Vector256.Create((ushort)':');
            var dash = Vector256.Create((ushort)'-');
            var dot = Vector256.Create((ushort)'.');
            for (; i + 21 <= text.Length; i += 16)
            {
                var c = Vector256.LoadUnsafe(ref u, (nuint)i);
                var c3 = Vector256.LoadUnsafe(ref u, (nuint)(i + 3));
                var c5 = Vector256.LoadUnsafe(ref u, (nuint)(i + 5));
                var pairs = ((Vector256.Equals(c, colon) | Vector256.Equals(c, dash)) & (Vector256.Equals(c3, colon) | Vector256.Equals(c3, dash)))
                    | (Vector256.Equals(c, dot) & Vector256.Equals(c5, dot));
                if (pairs != Vector256<ushort>.Zero)
                {
                    return i + BitOperations.TrailingZeroCount(pairs.ExtractMostSignificantBits());
                }
            }
        }

        for (; i + 3 < text.Length; i++)
        {
            var c = text[i];
            if ((c is ':' or '-' && text[i + 3] is ':' or '-') || (c == '.' && i + 5 < text.Length && text[i + 5] == '.'))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The separator at <paramref name="at"/> has the hex digits around it that it has in a match.</summary>
    internal static bool SeparatorMayMatch(string text, int at)
    {
        var side = text[at] == '.' ? 4 : 2;
        if (at < side || at + side >= text.Length)
        {
            return false;
        }

        for (var i = 1; i <= side; i++)
        {
            if (!char.IsAsciiHexDigit(text[at - i]) || !char.IsAsciiHexDigit(text[at + i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Every match has two ':' or '-' three characters apart (around a hex pair) or two dots five apart (around four hex
    /// digits): runs without either (phone numbers, versions, hyphenated words) skip the pattern. One pass over the run.
    /// </summary>
    protected override bool RunMayMatch(ReadOnlySpan<char> run)
    {
        for (var i = 0; i + 3 < run.Length; i++)
        {
            var c = run[i];
            if ((c is ':' or '-' && run[i + 3] is ':' or '-') || (c == '.' && i + 5 < run.Length && run[i + 5] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    protected override bool Validate(string text, ref int start, ref int end, ref double score)
    {
        if (!Bounded(text, start, end) || (end < text.Length && text[end] is ':' or '-'))
        {
            return false;
        }

        var s = text.AsSpan(start, end - start);
        return s.Length == 14 || (s[2] == s[5] && s[5] == s[8] && s[8] == s[11] && s[11] == s[14]);
    }

    [GeneratedRegex(@"[0-9A-Fa-f]{2}(?:[:\-][0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Mac();
}
