using Microsoft.ML.Data;
using Warden.Core.Screening;

namespace Warden.Screening.Train;

/// <summary>One row fed to ML.NET: hashed features (count / sqrt(total), as the scorer computes them), label, weight.</summary>
internal sealed class TrainingExample
{
    public bool Label { get; set; }

    [VectorType(TextFeaturizer.Dimensions)]
    public VBuffer<float> Features { get; set; }

    public float Weight { get; set; }

    public static TrainingExample From(string text, bool label, float weight)
    {
        var sink = new CountSink(new Dictionary<int, float>());
        var n = TextFeaturizer.Featurize(text, ref sink);
        var scale = n == 0 ? 0f : 1f / MathF.Sqrt(n);
        var indices = sink.Counts.Keys.Order().ToArray();
        var values = indices.Select(i => sink.Counts[i] * scale).ToArray();
        return new TrainingExample
        {
            Label = label,
            Weight = weight,
            Features = new VBuffer<float>(TextFeaturizer.Dimensions, indices.Length, values, indices),
        };
    }

    private readonly struct CountSink(Dictionary<int, float> counts) : IFeatureSink
    {
        public Dictionary<int, float> Counts => counts;

        public void Add(int index) => counts[index] = counts.GetValueOrDefault(index) + 1;
    }
}
