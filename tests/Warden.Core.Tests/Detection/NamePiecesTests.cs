using Warden.Core.Detection;
using Warden.Core.Detection.Names;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// Texts longer than <see cref="NamedEntityRecognizer.ChunkChars"/> are analysed in pieces (bounded per-token state): the
/// cuts fall at blank lines, line breaks or spaces, and the findings of every piece come back at their offsets in the text.
/// </summary>
public sealed class NamePiecesTests
{
    private const string Paragraph = "Kind regards, Margaret Thompson\nWe met in Rotterdam with Acme Corporation last week.\n\n";

    [Fact]
    public void LongText_FindingsOfEveryPiece_ComeBackAtTheirOffsets()
    {
        var recognizer = new NamedEntityRecognizer();
        var copies = (NamedEntityRecognizer.ChunkChars * 3 / Paragraph.Length) + 1;
        var text = string.Concat(Enumerable.Repeat(Paragraph, copies));
        var found = new List<Finding>();
        recognizer.Analyze(text, found);

        var expected = new List<(string, int, int)>();
        var pieces = 0;
        for (var start = 0; start < text.Length; pieces++)
        {
            var end = NamedEntityRecognizer.PieceEnd(text, start);
            Assert.True(end - start <= NamedEntityRecognizer.ChunkChars);
            var piece = new List<Finding>();
            recognizer.Analyze(text[start..end], piece);
            expected.AddRange(piece.Select(f => (f.Type, f.Start + start, f.End + start)));
            start = end;
        }

        Assert.True(pieces >= 4);
        Assert.Equal(expected, found.Select(f => (f.Type, f.Start, f.End)));
    }

    [Fact]
    public void LongText_NameInTheLastParagraph_FoundAtItsOffset()
    {
        var recognizer = new NamedEntityRecognizer();
        var text = string.Concat(Enumerable.Repeat("plain words without any names at all here\n\n", 4_000)) + Paragraph;
        Assert.True(text.Length > 2 * NamedEntityRecognizer.ChunkChars);
        var found = new List<Finding>();
        recognizer.Analyze(text, found);
        var at = text.LastIndexOf("Margaret Thompson", StringComparison.Ordinal);
        Assert.Contains(found, f => f.Type == EntityTypes.Person && f.Start == at && f.End == at + "Margaret Thompson".Length);
    }

    [Fact]
    public void PieceEnd_BlankLineInTheSecondHalf_CutsAfterIt()
    {
        var text = new string('a', 40_000) + "\n\n" + new string('b', 40_000);
        Assert.Equal(40_002, NamedEntityRecognizer.PieceEnd(text, 0));
    }

    [Fact]
    public void PieceEnd_OnlyLineBreaksAndSpaces_CutsAfterTheLastLineBreak()
    {
        var text = new string('a', 35_000) + "\n" + new string('b', 10_000) + " " + new string('c', 40_000);
        Assert.Equal(35_001, NamedEntityRecognizer.PieceEnd(text, 0));
    }

    [Fact]
    public void PieceEnd_NoSeparator_CutsAtTheWindowWithoutSplittingASurrogatePair()
    {
        var chunk = NamedEntityRecognizer.ChunkChars;
        var text = new string('a', chunk - 1) + "\U0001F600" + new string('a', 1_000);
        Assert.Equal(chunk - 1, NamedEntityRecognizer.PieceEnd(text, 0));
        Assert.Equal(chunk, NamedEntityRecognizer.PieceEnd(new string('a', chunk + 10), 0));
    }

    [Fact]
    public void PieceEnd_ShortRest_IsTheTextsEnd()
    {
        var text = new string('a', NamedEntityRecognizer.ChunkChars + 100);
        Assert.Equal(text.Length, NamedEntityRecognizer.PieceEnd(text, 200));
    }
}
