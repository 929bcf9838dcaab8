using System.Buffers;

namespace Warden.Core.Screening;

/// <summary>
/// Splits text into sentence-like segments for per-segment scoring: an instruction inserted into a long
/// document is scored on its own instead of being diluted by the document around it.
/// </summary>
internal static class TextSegments
{
    public const int MinChars = 24;
    public const int MaxChars = 600;

    private static readonly SearchValues<char> BoundaryChars = SearchValues.Create("\n|.!?。");

    /// <summary>Calls back with (start, length) of each segment; linear in the text.</summary>
    public static void Split(ReadOnlySpan<char> text, List<(int Start, int Length)> output)
    {
        output.Clear();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            // Below MaxChars only a boundary character can end the segment: a vectorised skip to the next one.
            var limit = Math.Min(start + MaxChars - 1, text.Length);
            if (i < limit)
            {
                var skip = text[i..limit].IndexOfAny(BoundaryChars);
                if (skip < 0)
                {
                    i = limit - 1;
                    continue;
                }

                i += skip;
            }

            var c = text[i];
            var boundary = c is '\n' or '|'
                || (c is '.' or '!' or '?' or '。') && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]) || text[i + 1] is '"' or '\'' or ')');
            var len = i + 1 - start;
            if (boundary && len >= MinChars || len >= MaxChars && (char.IsWhiteSpace(c) || len >= MaxChars + 64))
            {
                Add(text, start, len, output);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            var len = text.Length - start;
            if (len < MinChars && output.Count > 0)
            {
                var last = output[^1];
                output[^1] = (last.Start, text.Length - last.Start); // fold a short tail into the previous segment
            }
            else
            {
                Add(text, start, len, output);
            }
        }
    }

    private static void Add(ReadOnlySpan<char> text, int start, int len, List<(int, int)> output)
    {
        var seg = text.Slice(start, len);
        var trimmed = seg.TrimStart();
        start += seg.Length - trimmed.Length;
        len = trimmed.TrimEnd().Length;
        if (len > 0)
        {
            output.Add((start, len));
        }
    }
}
