using System.Buffers.Binary;
using Warden.Core.Screening;
using static Warden.Core.Tests.Screening.ScreeningTestFiles;

namespace Warden.Core.Tests.Screening;

/// <summary>
/// Round 10's long-document position features (first / last segment, only in documents of more than four segments) and
/// combiner format version 5, which stores their weights; versions 2–4 keep loading and saving as before.
/// </summary>
public sealed class DiscoursePositionFeatureTests
{
    private const string Receipt =
        "SUBJECT: Receipt from Brightline Hosting|CONTENT: The payment of EUR 249.00 for invoice INV-2291 was received on 3 April. "
        + "The amount was charged to the Visa card ending in 4242. The hosting plan Business M renews automatically on 1 May.";

    private static float[] Fill(int index, int segments)
    {
        using var d = DiscourseFeatures.Analyze(Receipt);
        var f = Enumerable.Repeat(9f, DiscourseFeatures.Count).ToArray();
        d.Fill("Let me know if you have any questions.", index, segments, f);
        return f;
    }

    [Theory]
    [InlineData(2, 0f)]
    [InlineData(4, 0f)]
    [InlineData(5, 0.25f)]
    [InlineData(6, 0.5f)]
    [InlineData(8, 1f)]
    [InlineData(40, 1f)]
    public void LastSegment_LongDocumentValue_RampsWithSegmentCount(int segments, float expected)
    {
        var f = Fill(segments - 1, segments);
        Assert.Equal(1f, f[4]); // the plain last-segment feature is unchanged
        Assert.Equal(0f, f[DiscourseFeatures.PositionAt]);
        Assert.Equal(expected, f[DiscourseFeatures.PositionAt + 1]);
    }

    [Fact]
    public void FirstAndMiddleSegments_LongDocumentValues()
    {
        var first = Fill(0, 10);
        Assert.Equal(1f, first[DiscourseFeatures.PositionAt]);
        Assert.Equal(0f, first[DiscourseFeatures.PositionAt + 1]);
        var middle = Fill(4, 10);
        Assert.Equal(0f, middle[DiscourseFeatures.PositionAt]);
        Assert.Equal(0f, middle[DiscourseFeatures.PositionAt + 1]);
    }

    [Fact]
    public void Version5_WithPositionWeights_RoundTrips_AndIsLongerThanVersion4()
    {
        var segment = Enumerable.Range(1, DocumentCombiner.SegmentInputs).Select(i => i / 10f).ToArray();
        var c = new DocumentCombiner(segment, -1f, [1f, 0.5f, -2f, 0.25f, 0f], 0.5f, -0.75f, 0f);
        var bytes = Bytes(c);
        Assert.Equal(5, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(100 + (4 * (DiscourseFeatures.VoiceCount + DiscourseFeatures.PositionCount)), bytes.Length);
        var back = DocumentCombiner.Load(new MemoryStream(bytes));
        Assert.Equal(segment, back.SegmentWeights.ToArray());
        Assert.Equal(-0.75f, back.Offset);
        Assert.Equal(bytes, Bytes(back));

        // Position weights without voice weights still need version 5 (the voice weight is stored as 0).
        segment[2 + DiscourseFeatures.VoiceAt] = 0f;
        Assert.Equal(5, BinaryPrimitives.ReadInt32LittleEndian(Bytes(new DocumentCombiner(segment, -1f, [1f, 0.5f, -2f, 0.25f, 0f], 0.5f, -0.75f, 0f)).AsSpan(4)));
    }

    [Fact]
    public void Version4File_LoadsWithZeroPositionWeights_AndVersionMismatchRejected()
    {
        var segment = Enumerable.Range(1, DocumentCombiner.SegmentInputs).Select(i => i > 2 + DiscourseFeatures.PositionAt ? 0f : i / 10f).ToArray();
        var v4 = Bytes(new DocumentCombiner(segment, -1f, [1f, 0.5f, -2f, 0.25f, 0f], 0.5f, -0.75f, 0f));
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(v4.AsSpan(4)));
        var back = DocumentCombiner.Load(new MemoryStream(v4));
        Assert.All(back.SegmentWeights[(2 + DiscourseFeatures.PositionAt)..].ToArray(), w => Assert.Equal(0f, w));
        Assert.Equal(0.1f * (2 + DiscourseFeatures.VoiceAt + 1), back.SegmentWeights[2 + DiscourseFeatures.VoiceAt], 6);

        var asV5 = (byte[])v4.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(asV5.AsSpan(4), 5);
        Assert.Throws<InvalidDataException>(() => DocumentCombiner.Load(new MemoryStream(asV5)));
        var v5 = Bytes(new DocumentCombiner(Enumerable.Range(1, DocumentCombiner.SegmentInputs).Select(i => i / 10f).ToArray(), -1f, [1f, 0.5f, -2f, 0.25f, 0f], 0.5f, -0.75f, 0f));
        BinaryPrimitives.WriteInt32LittleEndian(v5.AsSpan(4), 4);
        Assert.Throws<InvalidDataException>(() => DocumentCombiner.Load(new MemoryStream(v5)));
    }

    [Fact]
    public void Round7Combiner_ScoresTheSame_WithOrWithoutPositionValues_ButAWeightedOneMovesTheScore()
    {
        var direct = LinearTextModel.LoadEmbedded(LinearTextModel.DirectHead);
        var indirect = LinearTextModel.LoadEmbedded(LinearTextModel.IndirectHead);
        var shipped = DocumentCombiner.Load(File.OpenRead(RepoFile("tests", "data", "screening", "combiners", "round7-v3.bin")));
        var doc = Receipt + " The dashboard also lists every earlier invoice. Please keep this receipt for your records.";
        var rows = InjectionDetector.SegmentInputs(doc, direct, indirect);
        Assert.True(rows.Count > DiscourseFeatures.ShortDocumentSegments, "the sample must be a long document");
        Assert.Contains(rows, r => r[2 + DiscourseFeatures.PositionAt + 1] > 0);
        var zeroed = rows.Select(r => r.AsSpan(0, 2 + DiscourseFeatures.PositionAt).ToArray().Concat(new float[DiscourseFeatures.PositionCount]).ToArray());
        Assert.Equal(rows.Select(r => shipped.SegmentLogit(r)), zeroed.Select(r => shipped.SegmentLogit(r)));

        var options = new InjectionDetectorOptions { UseRules = false };
        var score = new InjectionDetector(options, direct, indirect, shipped).Assess(doc).Score;
        var w = shipped.SegmentWeights.ToArray();
        w[2 + DiscourseFeatures.PositionAt + 1] = 3f;
        var weighted = new DocumentCombiner(w, shipped.SegmentBias, shipped.DocumentWeights, shipped.DocumentBias, shipped.Offset, shipped.DirectInDocuments);
        var moved = new InjectionDetector(options, direct, indirect, weighted).Assess(doc).Score;
        Assert.True(Math.Abs(moved - score) > 1e-3, $"a weighted position feature must move the score ({score} -> {moved})");
    }
}
