using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Warden.Core.Screening;

/// <summary>
/// A logistic-regression model over <see cref="TextFeaturizer"/> features, trained with ML.NET by
/// <c>tools/Warden.Screening.Train</c> and shipped as a compact sparse weight file
/// (<c>Screening/Model/*.bin</c>, embedded in the assembly). Inference is a dot product.
/// </summary>
internal sealed class LinearTextModel
{
    /// <summary>File magic: "WSLM".</summary>
    public const uint Magic = 0x4D4C5357;

    /// <summary>Format version.</summary>
    public const int Version = 2;

    /// <summary>Head scored on whole texts and segments: direct injections aimed at the model.</summary>
    public const string DirectHead = "injection-direct";

    /// <summary>Head scored on segments of documents: instructions planted in data (indirect injections).</summary>
    public const string IndirectHead = "injection-indirect";

    private readonly float[] _weights;

    public LinearTextModel(float[] weights, float bias, float offset)
    {
        if (weights.Length != TextFeaturizer.Dimensions)
        {
            throw new ArgumentException("weight vector has the wrong dimension", nameof(weights));
        }

        _weights = weights;
        Bias = bias;
        Offset = offset;
    }

    public float Bias { get; }

    /// <summary>Calibration shift chosen at training so the default threshold (0.5) sits at the chosen operating point.</summary>
    public float Offset { get; }

    /// <summary>The same weights with another calibration offset.</summary>
    public LinearTextModel WithOffset(float offset) => new(_weights, Bias, offset);

    public int NonZeroWeights => _weights.Count(w => w != 0);

    /// <summary>Loads a model head shipped inside Warden.Core (<see cref="DirectHead"/> or <see cref="IndirectHead"/>).</summary>
    public static LinearTextModel LoadEmbedded(string head)
    {
        var resource = "Warden.Core.Screening.Model." + head + ".bin";
        using var stream = typeof(LinearTextModel).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded screening model '{resource}' is missing");
        return Load(stream);
    }

    /// <summary>Reads the binary format; throws <see cref="InvalidDataException"/> on anything malformed.</summary>
    public static LinearTextModel Load(Stream stream)
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        var data = ms.GetBuffer().AsSpan(0, (int)ms.Length);
        if (data.Length < 24 || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic)
        {
            throw new InvalidDataException("not a Warden screening model");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(data[4..]);
        var dims = BinaryPrimitives.ReadInt32LittleEndian(data[8..]);
        var bias = BinaryPrimitives.ReadSingleLittleEndian(data[12..]);
        var offset = BinaryPrimitives.ReadSingleLittleEndian(data[16..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(data[20..]);
        if (version != Version || dims != TextFeaturizer.Dimensions || count < 0 || data.Length != 24 + (count * 8L))
        {
            throw new InvalidDataException("screening model header does not match this build");
        }

        var weights = new float[dims];
        for (var k = 0; k < count; k++)
        {
            var at = 24 + (k * 8);
            var index = BinaryPrimitives.ReadInt32LittleEndian(data[at..]);
            var w = BinaryPrimitives.ReadSingleLittleEndian(data[(at + 4)..]);
            if ((uint)index >= (uint)dims || !float.IsFinite(w))
            {
                throw new InvalidDataException("screening model weight out of range");
            }

            weights[index] = w;
        }

        return new LinearTextModel(weights, bias, offset);
    }

    /// <summary>Writes the sparse binary format (weights with |w| below <paramref name="prune"/> are dropped).</summary>
    public void Save(Stream stream, float prune)
    {
        var kept = new List<(int Index, float Weight)>();
        for (var i = 0; i < _weights.Length; i++)
        {
            if (MathF.Abs(_weights[i]) >= prune)
            {
                kept.Add((i, _weights[i]));
            }
        }

        var buffer = new byte[24 + (kept.Count * 8)];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], _weights.Length);
        BinaryPrimitives.WriteSingleLittleEndian(span[12..], Bias);
        BinaryPrimitives.WriteSingleLittleEndian(span[16..], Offset);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], kept.Count);
        for (var k = 0; k < kept.Count; k++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[(24 + (k * 8))..], kept[k].Index);
            BinaryPrimitives.WriteSingleLittleEndian(span[(28 + (k * 8))..], kept[k].Weight);
        }

        stream.Write(buffer);
    }

    /// <summary>The uncalibrated logit (bias + w·x) for one piece of text; add <see cref="Offset"/> after aggregating.</summary>
    public float Logit(ReadOnlySpan<char> text)
    {
        var sink = new WeightSum(_weights);
        var n = TextFeaturizer.Featurize(text, ref sink);
        return n == 0 ? Bias : Bias + (sink.Sum / MathF.Sqrt(n));
    }

    /// <summary>Uncalibrated logits of two heads over one featurization pass (see <see cref="Interleave"/>).</summary>
    public static (float First, float Second) Logits(ReadOnlySpan<char> text, float[] interleaved, LinearTextModel first, LinearTextModel second)
    {
        var sink = new PairSum(interleaved);
        var n = TextFeaturizer.Featurize(text, ref sink);
        var scale = n == 0 ? 0 : 1 / MathF.Sqrt(n);
        return (first.Bias + (sink.First * scale), second.Bias + (sink.Second * scale));
    }

    /// <summary>The weights of two heads side by side (w1[0], w2[0], w1[1], …): one cache line per feature for both.</summary>
    public static float[] Interleave(LinearTextModel first, LinearTextModel second)
    {
        var pairs = new float[2 * TextFeaturizer.Dimensions];
        for (var i = 0; i < TextFeaturizer.Dimensions; i++)
        {
            pairs[2 * i] = first._weights[i];
            pairs[(2 * i) + 1] = second._weights[i];
        }

        return pairs;
    }

    /// <summary>
    /// Uncalibrated logits of three or four heads over one featurization pass, into <paramref name="logits"/> in the order of
    /// <paramref name="heads"/> (see <see cref="Interleave(ReadOnlySpan{LinearTextModel})"/>).
    /// </summary>
    public static void Logits(ReadOnlySpan<char> text, float[] quads, ReadOnlySpan<LinearTextModel> heads, Span<float> logits)
    {
        var sink = new QuadSum(quads);
        var n = TextFeaturizer.Featurize(text, ref sink);
        var scale = n == 0 ? 0 : 1 / MathF.Sqrt(n);
        for (var h = 0; h < heads.Length; h++)
        {
            logits[h] = heads[h].Bias + (sink.Sum[h] * scale);
        }
    }

    /// <summary>
    /// The weights of three or four heads side by side, four floats per feature (a missing fourth head is 0): one 16-byte slot,
    /// never split across cache lines, summed with one vector add.
    /// </summary>
    public static float[] Interleave(ReadOnlySpan<LinearTextModel> heads)
    {
        if (heads.Length is < 3 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(heads), "three or four heads");
        }

        var quads = new float[4 * TextFeaturizer.Dimensions];
        for (var h = 0; h < heads.Length; h++)
        {
            var weights = heads[h]._weights;
            for (var i = 0; i < TextFeaturizer.Dimensions; i++)
            {
                quads[(4 * i) + h] = weights[i];
            }
        }

        return quads;
    }

    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    private struct QuadSum(float[] quads) : IFeatureSink
    {
        public Vector128<float> Sum;

        public void Add(int index) => Sum += Vector128.LoadUnsafe(ref quads[4 * index]);
    }

    private struct PairSum(float[] pairs) : IFeatureSink
    {
        public float First;
        public float Second;

        public void Add(int index)
        {
            ref var w = ref pairs[2 * index];
            First += w;
            Second += Unsafe.Add(ref w, 1);
        }
    }

    private struct WeightSum(float[] weights) : IFeatureSink
    {
        public float Sum;

        public void Add(int index) => Sum += weights[index];
    }
}
