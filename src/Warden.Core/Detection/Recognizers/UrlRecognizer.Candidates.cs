using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Warden.Core.Detection.Recognizers;

/// <summary>The URL recognizer's runs, found from the anchors that can start <see cref="RunMayMatch"/>'s test.</summary>
internal sealed partial class UrlRecognizer
{
    /// <summary>
    /// The runs of <see cref="AnchorRuns"/> that can pass <see cref="RunMayMatch"/>: such a run holds "://" or a dot before
    /// the first two letters of a top-level domain (<see cref="AnchorMayMatch"/>), so it is found from a ':' before '/' or a
    /// '.' before a letter (<see cref="IndexOfUrlAnchor"/>, 16 characters per step; a dot is then checked for a domain's
    /// letters). The other dots and colons (sentence ends, decimals, times, "Note:") are passed over without looking for
    /// their run. The runs are the same maximal runs (found from the first such anchor, bounded by the previous run's end),
    /// with the same tests before the pattern.
    /// </summary>
    protected override void Scan(string text, List<Finding> results)
    {
        var floor = 0;
        var pos = 0;
        while (pos < text.Length)
        {
            var rel = IndexOfUrlAnchor(text.AsSpan(pos));
            if (rel < 0)
            {
                return;
            }

            var at = pos + rel;
            if (text[at] == '.' && !TopLevelDomainAt(text.AsSpan(at + 1)))
            {
                pos = at + 1;
                continue;
            }

            var (start, end) = UrlAlphabet.RunAround(text, at, floor);
            floor = pos = end;
            if (end - start >= MinLength && RunMayMatch(text.AsSpan(start, end - start)))
            {
                MatchRun(text, start, end, results);
            }
        }
    }

    /// <summary>The first ':' before '/' or '.' before an ASCII letter or a character outside ASCII; -1 when there is none.</summary>
    internal static int IndexOfUrlAnchor(ReadOnlySpan<char> text)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var u = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<char, ushort>(text));
            var dot = Vector256.Create((ushort)'.');
            var colon = Vector256.Create((ushort)':');
            var slash = Vector256.Create((ushort)'/');
            var lower = Vector256.Create((ushort)0x20);
            var a = Vector256.Create((ushort)'a');
            var letters = Vector256.Create((ushort)25);
            var ascii = Vector256.Create((ushort)0x7F);
            for (; i + 17 <= text.Length; i += 16)
            {
                var c = Vector256.LoadUnsafe(ref u, (nuint)i);
                var isDot = Vector256.Equals(c, dot);
                var isColon = Vector256.Equals(c, colon);
                if ((isDot | isColon) == Vector256<ushort>.Zero)
                {
                    continue;
                }

                var n = Vector256.LoadUnsafe(ref u, (nuint)(i + 1));
                var wordy = Vector256.LessThanOrEqual((n | lower) - a, letters) | Vector256.GreaterThan(n, ascii);
                var hits = (isDot & wordy) | (isColon & Vector256.Equals(n, slash));
                if (hits != Vector256<ushort>.Zero)
                {
                    return i + BitOperations.TrailingZeroCount(hits.ExtractMostSignificantBits());
                }
            }
        }

        for (; i + 1 < text.Length; i++)
        {
            var (c, n) = (text[i], text[i + 1]);
            if ((c == '.' && (char.IsAsciiLetter(n) || n > 0x7F)) || (c == ':' && n == '/'))
            {
                return i;
            }
        }

        return -1;
    }
}
