using System.Buffers.Binary;

namespace Warden.Core.Screening;

/// <summary>
/// Turns per-segment evidence into a document score for indirect injection. Each segment gets a logit from
/// its n-gram logits (indirect and direct heads) and its <see cref="DiscourseFeatures"/>; the document logit
/// combines the top segment, the runner-up (an injected instruction stands out from its document, marketing
/// copy is imperative throughout) and the number of segments (the maximum over many segments of a clean
/// document rises with their number). The weights are fitted by <c>tools/Warden.Screening.Train</c> on
/// out-of-fold n-gram logits and shipped as <c>Screening/Model/injection-document.bin</c>.
/// </summary>
internal sealed class DocumentCombiner
{
    /// <summary>File magic: "WSDC".</summary>
    public const uint Magic = 0x43445357;

    /// <summary>
    /// Format version (6: stop 22, adds the weight of the document's direct logit, <see cref="DocumentInputs"/>' fifth input; 5: round 10, adds the weights of the <see cref="DiscourseFeatures.PositionCount"/> long-document
    /// position features; 4: round 8, adds the weights of <see cref="DiscourseFeatures.VoiceCount"/> features; 3: round 6,
    /// adds <see cref="DirectInDocuments"/>). Version 2 files (round 4's shipped combiner: ten discourse features and the two
    /// neighbour features) load with a direct weight in documents of 1; older files load with weight 0 for the features they
    /// do not store. A combiner is saved in the oldest version that holds its non-zero weights, so earlier files are
    /// reproduced byte for byte.
    /// </summary>
    public const int Version = 6;

    private const int Version2 = 2;

    private const int Version5 = 5;

    private const int Version3 = 3;

    private const int Version4 = 4;

    /// <summary>Segment inputs of a version-4 file (before round 10's <see cref="DiscourseFeatures.PositionCount"/> features).</summary>
    private const int Version4SegmentInputs = SegmentInputs - DiscourseFeatures.PositionCount;

    /// <summary>Segment inputs of a version-2 or -3 file (before round 8's <see cref="DiscourseFeatures.VoiceCount"/> features).</summary>
    private const int OldSegmentInputs = Version4SegmentInputs - DiscourseFeatures.VoiceCount;

    /// <summary>Embedded resource name of the shipped combiner.</summary>
    public const string Head = "injection-document";

    /// <summary>Segment inputs: indirect logit, direct logit, then the discourse features.</summary>
    public const int SegmentInputs = 2 + DiscourseFeatures.Count;

    /// <summary>
    /// Document inputs: top segment logit, runner-up, ln(segments), mean segment logit and (version 6) the document's direct
    /// logit, the direct head's highest logit on the whole text or any segment (a long prompt is still a prompt).
    /// </summary>
    public const int DocumentInputs = 5;

    /// <summary>Document inputs of a file before version 6.</summary>
    private const int OldDocumentInputs = DocumentInputs - 1;

    /// <summary>
    /// The segment-count prior is learned on documents of up to a few dozen segments; beyond this count it is held
    /// constant, so an instruction in a very long page is not pushed down by a trend extrapolated from short emails.
    /// </summary>
    public const int MaxPriorSegments = 64;

    // Stored floats: segment bias, segment weights, document bias, document weights, (version 3:) the direct head's
    // weight in documents, offset.
    private const int Length = 1 + SegmentInputs + 1 + DocumentInputs + 1 + 1;

    private readonly float[] _w;

    public DocumentCombiner(ReadOnlySpan<float> segmentWeights, float segmentBias, ReadOnlySpan<float> documentWeights, float documentBias, float offset, float directInDocuments = 1f)
    {
        if (segmentWeights.Length != SegmentInputs || documentWeights.Length != DocumentInputs)
        {
            throw new ArgumentException("combiner weight vectors have the wrong length");
        }

        _w = new float[Length];
        _w[0] = segmentBias;
        segmentWeights.CopyTo(_w.AsSpan(1));
        _w[1 + SegmentInputs] = documentBias;
        documentWeights.CopyTo(_w.AsSpan(2 + SegmentInputs));
        _w[^2] = directInDocuments;
        _w[^1] = offset;
        if (!_w.All(float.IsFinite) || directInDocuments is < 0 or > 1)
        {
            throw new ArgumentException("combiner weights must be finite and the direct weight in documents in [0, 1]");
        }
    }

    /// <summary>Calibration shift added to the document logit (0.5 sits at the chosen false-positive rate).</summary>
    public float Offset => _w[^1];

    public ReadOnlySpan<float> SegmentWeights => _w.AsSpan(1, SegmentInputs);

    public float SegmentBias => _w[0];

    public ReadOnlySpan<float> DocumentWeights => _w.AsSpan(2 + SegmentInputs, DocumentInputs);

    public float DocumentBias => _w[1 + SegmentInputs];

    /// <summary>
    /// How much the direct head's own probability (on the whole text and on each segment) counts once a text is a
    /// document (the combiner's length gate is open): 1 (round 4, and every version-2 file) lets it compete with the
    /// combiner at full strength; below 1 it is scaled down, so in a document the combiner, which already reads the
    /// direct logit of each segment, decides. Short standalone prompts are unaffected.
    /// </summary>
    public float DirectInDocuments => _w[^2];

    public DocumentCombiner WithOffset(float offset) => new(SegmentWeights, SegmentBias, DocumentWeights, DocumentBias, offset, DirectInDocuments);

    public DocumentCombiner WithDirectInDocuments(float weight) => new(SegmentWeights, SegmentBias, DocumentWeights, DocumentBias, Offset, weight);

    /// <summary>The segment logit from its inputs (<see cref="SegmentInputs"/> values).</summary>
    public float SegmentLogit(ReadOnlySpan<float> inputs)
    {
        var w = SegmentWeights;
        var sum = SegmentBias;
        for (var i = 0; i < w.Length; i++)
        {
            sum += w[i] * inputs[i];
        }

        return sum;
    }

    /// <summary>The uncalibrated document logit (add <see cref="Offset"/>).</summary>
    /// <remarks>
    /// The mean segment logit is the document's own register: an instruction in a recipe or a README is not a
    /// change of register, one in a receipt is.
    /// </remarks>
    public float DocumentLogit(float top1, float top2, int segments, float mean, float direct = 0f)
    {
        var w = DocumentWeights;
        var second = segments > 1 && float.IsFinite(top2) ? top2 : top1;
        var logit = DocumentBias + (w[0] * top1) + (w[1] * second) + (w[2] * MathF.Log(Math.Clamp(segments, 1, MaxPriorSegments))) + (w[3] * mean);
        return w[4] == 0 ? logit : logit + (w[4] * direct);
    }

    public static DocumentCombiner LoadEmbedded() => LoadEmbedded(Head);

    /// <summary>Loads a combiner shipped inside Warden.Core by its resource name (<see cref="Head"/> or <see cref="SecondOpinion.CombinerHead"/>).</summary>
    public static DocumentCombiner LoadEmbedded(string head)
    {
        var resource = "Warden.Core.Screening.Model." + head + ".bin";
        using var stream = typeof(DocumentCombiner).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded screening model '{resource}' is missing");
        return Load(stream);
    }

    /// <summary>Reads the binary format (versions 2 to 6); throws <see cref="InvalidDataException"/> on anything malformed.</summary>
    public static DocumentCombiner Load(Stream stream)
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        var data = ms.GetBuffer().AsSpan(0, (int)ms.Length);
        var version = data.Length >= 12 ? BinaryPrimitives.ReadInt32LittleEndian(data[4..]) : -1;
        var segmentInputs = version switch
        {
            Version or Version5 => SegmentInputs,
            Version4 => Version4SegmentInputs,
            _ => OldSegmentInputs,
        };
        var documentInputs = version == Version ? DocumentInputs : OldDocumentInputs;
        var length = StoredLength(version, segmentInputs);
        if (length < 0 || data.Length != 12 + (4 * length) || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic
            || BinaryPrimitives.ReadInt32LittleEndian(data[8..]) != length)
        {
            throw new InvalidDataException("not a Warden screening combiner of this build");
        }

        var stored = new float[length];
        for (var i = 0; i < length; i++)
        {
            stored[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(12 + (4 * i))..]);
        }

        // Older files have no weights for round 8's or round 10's features (the last inputs of a row): they count with 0.
        var segment = new float[SegmentInputs];
        stored.AsSpan(1, segmentInputs).CopyTo(segment);
        var document = new float[DocumentInputs];
        stored.AsSpan(2 + segmentInputs, documentInputs).CopyTo(document);
        try
        {
            return new DocumentCombiner(segment, stored[0], document, stored[1 + segmentInputs], stored[^1],
                version == Version2 ? 1f : stored[^2]);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException("screening combiner weights are not finite or out of range", e);
        }
    }

    /// <summary>
    /// Writes the binary format: without round 8's and round 10's features (all their weights 0) as version 2 when the
    /// direct weight in documents is 1 (round 4's behaviour) or version 3 otherwise; with round 8's only, version 4; with
    /// round 10's, version 5; with a weight for the document's direct logit (stop 22), version 6. So earlier files are
    /// reproduced byte for byte.
    /// </summary>
    public void Save(Stream stream)
    {
        var withDirect = DocumentWeights[OldDocumentInputs] != 0;
        var withPosition = SegmentWeights[Version4SegmentInputs..].IndexOfAnyExcept(0f) >= 0;
        var withVoice = SegmentWeights[OldSegmentInputs..Version4SegmentInputs].IndexOfAnyExcept(0f) >= 0;
        var version = withDirect ? Version : withPosition ? Version5 : withVoice ? Version4 : DirectInDocuments == 1 ? Version2 : Version3;
        var n = version switch
        {
            Version or Version5 => SegmentInputs,
            Version4 => Version4SegmentInputs,
            _ => OldSegmentInputs,
        };
        var w = new List<float>(Length) { SegmentBias };
        w.AddRange(SegmentWeights[..n]);
        w.Add(DocumentBias);
        w.AddRange(version == Version ? DocumentWeights : DocumentWeights[..OldDocumentInputs]);
        if (version != Version2)
        {
            w.Add(DirectInDocuments);
        }

        w.Add(Offset);
        var buffer = new byte[12 + (4 * w.Count)];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4), version);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(8), w.Count);
        for (var i = 0; i < w.Count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(12 + (4 * i)), w[i]);
        }

        stream.Write(buffer);
    }

    /// <summary>Floats stored by a file of <paramref name="version"/> (-1 for an unknown version).</summary>
    private static int StoredLength(int version, int segmentInputs) => version switch
    {
        Version2 => 1 + segmentInputs + 1 + OldDocumentInputs + 1,
        Version3 or Version4 or Version5 => 1 + segmentInputs + 1 + OldDocumentInputs + 2,
        Version => 1 + segmentInputs + 1 + DocumentInputs + 2,
        _ => -1,
    };
}
