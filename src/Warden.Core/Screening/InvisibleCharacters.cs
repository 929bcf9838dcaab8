using System.Text;

namespace Warden.Core.Screening;

/// <summary>
/// Removes invisible Unicode in one pass: tag characters (decoded, since they spell ASCII), zero-width
/// characters, bidi overrides/isolates and variation-selector runs (decoded as bytes, the "emoji smuggling" trick).
/// </summary>
internal static class InvisibleCharacters
{
    public static string Clean(string text, FindingCollector findings)
    {
        if (!MayContainInvisible(text))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var tagRun = new StringBuilder();
        var vsBytes = new List<byte>();
        int tagStart = -1, vsStart = -1, zwCount = 0, zwFirst = -1, bidiCount = 0, bidiFirst = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var cp = (int)c;
            var width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(c, text[i + 1]);
                width = 2;
            }

            if (cp is >= 0xE0000 and <= 0xE007F)
            {
                if (tagStart < 0)
                {
                    tagStart = i;
                }

                if (cp is >= 0xE0020 and <= 0xE007E && tagRun.Length < findings.Options.MaxPayloadChars)
                {
                    tagRun.Append((char)(cp - 0xE0000));
                }

                i += width - 1;
                continue;
            }

            EndTagRun(findings, tagRun, ref tagStart, i);

            var vs = VariationSelectorValue(cp);
            if (vs >= 0)
            {
                // A single VS15/VS16 after a visible character is ordinary emoji/text presentation.
                var next = i + width < text.Length ? NextCodePoint(text, i + width) : -1;
                var isolated = vsStart < 0 && VariationSelectorValue(next) < 0;
                if (isolated && cp is 0xFE0E or 0xFE0F)
                {
                    sb.Append(c);
                    continue;
                }

                if (vsStart < 0)
                {
                    vsStart = i;
                }

                if (vsBytes.Count < findings.Options.MaxPayloadChars)
                {
                    vsBytes.Add((byte)vs);
                }

                i += width - 1;
                continue;
            }

            EndVsRun(findings, vsBytes, ref vsStart, i);

            if (IsZeroWidth(cp))
            {
                var keep = cp == 0x200D && IsEmojiJoin(text, i);
                if (!keep && !(cp == 0xFEFF && i == 0))
                {
                    zwCount++;
                    zwFirst = zwFirst < 0 ? i : zwFirst;
                    continue;
                }
            }
            else if (cp is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069)
            {
                bidiCount++;
                bidiFirst = bidiFirst < 0 ? i : bidiFirst;
                continue;
            }

            sb.Append(c);
            if (width == 2)
            {
                sb.Append(text[++i]);
            }
        }

        EndTagRun(findings, tagRun, ref tagStart, text.Length);
        EndVsRun(findings, vsBytes, ref vsStart, text.Length);
        if (zwCount > 0)
        {
            findings.Add(FindingKind.ZeroWidthCharacters, zwFirst, 1, $"{zwCount} zero-width characters removed");
        }

        if (bidiCount > 0)
        {
            findings.Add(FindingKind.BidiControl, bidiFirst, 1, $"{bidiCount} bidi override/isolate characters removed");
        }

        return sb.ToString();
    }

    private static bool MayContainInvisible(string text)
    {
        // Vectorised skip to the next character at or above U+180E (most text has none), then the exact test.
        var span = text.AsSpan();
        var at = span.IndexOfAnyInRange('\u180E', '\uFFFF');
        while (at >= 0)
        {
            var c = span[at];
            if (c is '\u180E' or >= '\u200B' and <= '\u200F' or >= '\u202A' and <= '\u202E' or >= '\u2060' and <= '\u2069'
                or >= '\uFE00' and <= '\uFE0F' or '\uFEFF' || char.IsHighSurrogate(c))
            {
                return true;
            }

            span = span[(at + 1)..];
            at = span.IndexOfAnyInRange('\u180E', '\uFFFF');
        }

        return false;
    }

    private static int NextCodePoint(string text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? char.ConvertToUtf32(text[i], text[i + 1]) : text[i];

    private static int VariationSelectorValue(int cp) => cp switch
    {
        >= 0xFE00 and <= 0xFE0F => cp - 0xFE00,
        >= 0xE0100 and <= 0xE01EF => cp - 0xE0100 + 16,
        _ => -1,
    };

    private static bool IsZeroWidth(int cp) =>
        cp is 0x200B or 0x200C or 0x200D or 0x200E or 0x200F or 0x2060 or 0x2061 or 0x2062 or 0x2063 or 0x2064 or 0xFEFF or 0x180E or 0x00AD;

    private static bool IsEmojiJoin(string text, int i) =>
        i > 0 && i + 1 < text.Length && (char.IsLowSurrogate(text[i - 1]) || text[i - 1] >= '\u2190' || text[i - 1] == '\uFE0F')
        && (char.IsHighSurrogate(text[i + 1]) || text[i + 1] >= '\u2190');

    private static void EndTagRun(FindingCollector findings, StringBuilder run, ref int start, int end)
    {
        if (start < 0)
        {
            return;
        }

        findings.Add(FindingKind.UnicodeTagCharacters, start, end - start, $"{(end - start) / 2} tag characters removed");
        findings.AddPayload(FindingKind.UnicodeTagCharacters, run.ToString());
        run.Clear();
        start = -1;
    }

    private static void EndVsRun(FindingCollector findings, List<byte> bytes, ref int start, int end)
    {
        if (start < 0)
        {
            return;
        }

        findings.Add(FindingKind.VariationSelectorSmuggling, start, end - start, $"{bytes.Count} variation selectors removed");
        var decoded = Encoding.UTF8.GetString([.. bytes]);
        if (TextHeuristics.IsMostlyPrintable(decoded))
        {
            findings.AddPayload(FindingKind.VariationSelectorSmuggling, decoded);
        }

        bytes.Clear();
        start = -1;
    }
}
