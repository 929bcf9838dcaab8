namespace Warden.Core.Detection.Names;

/// <summary>
/// Long texts are analysed in pieces, so the per-token state (about 50 bytes per token: labels, groups, scores, word
/// information, plus a lower-case copy of the text) is bounded by the piece and not by the text: a 10 MB text needed about
/// 200 MB of it at once. Every rule looks at most a few tokens or one line block around a word, so a piece ends at a blank
/// line where there is one (else at a line break, else at a space) in the second half of its window; a name is split only
/// when a text has neither for 32 K characters.
/// </summary>
internal sealed partial class NamedEntityRecognizer
{
    /// <summary>The most characters analysed at once.</summary>
    internal const int ChunkChars = 64 * 1024;

    public void Analyze(string text, List<Finding> results)
    {
        if (text.Length <= ChunkChars)
        {
            AnalyzePiece(text, results);
            return;
        }

        var piece = new List<Finding>();
        var start = 0;
        while (start < text.Length)
        {
            var end = PieceEnd(text, start);
            piece.Clear();
            AnalyzePiece(text[start..end], piece);
            foreach (var f in piece)
            {
                results.Add(f with { Start = f.Start + start, End = f.End + start });
            }

            start = end;
        }
    }

    /// <summary>Where the piece that starts at <paramref name="start"/> ends (exclusive): after a blank line, a line break or a
    /// space in the second half of the window, or at the window's end (never between the halves of a surrogate pair).</summary>
    internal static int PieceEnd(string text, int start)
    {
        if (text.Length - start <= ChunkChars)
        {
            return text.Length;
        }

        var from = start + (ChunkChars / 2);
        var window = text.AsSpan(from, ChunkChars / 2);
        var cut = window.LastIndexOf("\n\n");
        if (cut >= 0)
        {
            return from + cut + 2;
        }

        cut = window.LastIndexOf('\n');
        if (cut < 0)
        {
            cut = window.LastIndexOf(' ');
        }

        if (cut >= 0)
        {
            return from + cut + 1;
        }

        var end = start + ChunkChars;
        return char.IsHighSurrogate(text[end - 1]) ? end - 1 : end;
    }
}
