using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// Vectorized searches for rare anchors in place of frequent ones. The search for the assignment name stems (<see cref="AssignmentStems"/>) by rare anchors instead of their first letters.
/// The multi-string search must fingerprint every stem by its first two characters (because of "pw"), and "to", "se",
/// "pa" are frequent in prose, so it stops and verifies at most words. Every stem instead holds one of four rarer
/// anchors at a fixed offset: "ke" ("key" at 0, "token" at 2), "ss" ("pass" at 2), "cr" ("credential" at 0, "secret" at 2),
/// "pw" (at 0), found a vector at a time in any ASCII case.
/// </summary>
internal sealed partial class SecretRecognizer
{
    /// <summary>
    /// The first index in <paramref name="s"/> where a stem starts, as <c>s.IndexOfAny(AssignmentStems)</c> finds it (ASCII
    /// case-insensitive; no character outside ASCII matches a stem letter there), or -1.
    /// </summary>
    internal static int IndexOfStem(ReadOnlySpan<char> s)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return s.IndexOfAny(AssignmentStems);
        }

        // Anchors in text order; for each, the stem that would start two characters before it first, then the one at it.
        // The first stem found this way is the leftmost: a later anchor's stems start at most one character earlier than
        // this anchor, and a stem starting one character before another would hold 'o', 'a' or 'e' where the other starts
        // with 'k', 'c' or 'p'.
        var i = 0;
        ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(s));
        var lower = Vector256.Create((ushort)0x20);
        for (; i + Vector256<ushort>.Count + 1 <= s.Length; i += Vector256<ushort>.Count)
        {
            var a = Vector256.LoadUnsafe(ref first, (nuint)i) | lower;
            var b = Vector256.LoadUnsafe(ref first, (nuint)(i + 1)) | lower;
            var hits = (Vector256.Equals(a, Vector256.Create((ushort)'k')) & Vector256.Equals(b, Vector256.Create((ushort)'e')))
                | (Vector256.Equals(a, Vector256.Create((ushort)'s')) & Vector256.Equals(b, Vector256.Create((ushort)'s')))
                | (Vector256.Equals(a, Vector256.Create((ushort)'c')) & Vector256.Equals(b, Vector256.Create((ushort)'r')))
                | (Vector256.Equals(a, Vector256.Create((ushort)'p')) & Vector256.Equals(b, Vector256.Create((ushort)'w')));
            if (hits == Vector256<ushort>.Zero)
            {
                continue;
            }

            for (var bits = hits.ExtractMostSignificantBits(); bits != 0; bits &= bits - 1)
            {
                var stem = StemAroundAnchor(s, i + BitOperations.TrailingZeroCount(bits));
                if (stem >= 0)
                {
                    return stem;
                }
            }
        }

        for (; i < s.Length; i++)
        {
            var stem = StemAroundAnchor(s, i);
            if (stem >= 0)
            {
                return stem;
            }
        }

        return -1;
    }

    /// <summary>
    /// The start of a stem whose anchor is at <paramref name="at"/>, or -1: by the anchor's letter, "token" two characters
    /// before "ke" or "key" at it; "pass" two characters before "ss"; "secret" two characters before "cr" or "credential"
    /// at it; "pw" at it (two stems can not start two characters apart, so the order of the checks does not matter).
    /// </summary>
    private static int StemAroundAnchor(ReadOnlySpan<char> s, int at)
    {
        switch ((char)(s[at] | 0x20))
        {
            case 'k':
                return !LettersAt(s, at + 1, "e") ? -1
                    : LettersAt(s, at + 2, "y") ? at
                    : at >= 2 && LettersAt(s, at - 2, "to") && LettersAt(s, at + 2, "n") ? at - 2 : -1;
            case 's':
                return at >= 2 && LettersAt(s, at + 1, "s") && LettersAt(s, at - 2, "pa") ? at - 2 : -1;
            case 'c':
                return !LettersAt(s, at + 1, "r") ? -1
                    : LettersAt(s, at + 2, "edential") ? at
                    : at >= 2 && LettersAt(s, at - 2, "se") && LettersAt(s, at + 2, "et") ? at - 2 : -1;
            case 'p':
                return LettersAt(s, at + 1, "w") ? at : -1;
            default:
                return -1;
        }
    }

    /// <summary>
    /// The first dot in <paramref name="s"/> with another dot seven characters later (as in every match of
    /// <see cref="SecretPatterns.Discord"/>, whose middle part is six characters), or -1. The dots that end sentences,
    /// file names and host names mostly have none, so this passes over them a vector at a time.
    /// </summary>
    internal static int IndexOfDotPair(ReadOnlySpan<char> s)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(s));
            var dot = Vector256.Create((ushort)'.');
            for (; i + Vector256<ushort>.Count + DiscordMiddle <= s.Length; i += Vector256<ushort>.Count)
            {
                var hits = Vector256.Equals(Vector256.LoadUnsafe(ref first, (nuint)i), dot)
                    & Vector256.Equals(Vector256.LoadUnsafe(ref first, (nuint)(i + DiscordMiddle)), dot);
                if (hits != Vector256<ushort>.Zero)
                {
                    return i + BitOperations.TrailingZeroCount(hits.ExtractMostSignificantBits());
                }
            }
        }

        while (true)
        {
            var rel = s[i..].IndexOf('.');
            if (rel < 0 || i + rel + DiscordMiddle >= s.Length)
            {
                return -1;
            }

            if (s[i + rel + DiscordMiddle] == '.')
            {
                return i + rel;
            }

            i += rel + 1;
        }
    }

    /// <summary>The distance from the first dot of a Discord token to its second.</summary>
    private const int DiscordMiddle = 7;

    /// <summary>Whether <paramref name="lower"/> (lower-case ASCII letters) is at <paramref name="at"/> in any ASCII case.</summary>
    private static bool LettersAt(ReadOnlySpan<char> s, int at, string lower)
    {
        if (at + lower.Length > s.Length)
        {
            return false;
        }

        for (var i = 0; i < lower.Length; i++)
        {
            if ((char)(s[at + i] | 0x20) != lower[i])
            {
                return false;
            }
        }

        return true;
    }
}
