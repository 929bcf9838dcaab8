using Microsoft.ML;
using Microsoft.ML.Trainers;
using Warden.Core.Screening;

namespace Warden.Screening.Train;

/// <summary>Fits one logistic-regression head with ML.NET and exports it to Warden's sparse weight file.</summary>
internal static class Trainer
{
    public static LinearTextModel Fit(MLContext ml, List<TrainingExample> examples, float l1, float l2, string name, bool quiet = false)
    {
        var posWeight = examples.Where(e => e.Label).Sum(e => e.Weight);
        var negWeight = examples.Where(e => !e.Label).Sum(e => e.Weight);
        foreach (var e in examples.Where(e => !e.Label))
        {
            e.Weight *= posWeight / negWeight; // balance the classes
        }

        var data = ml.Data.LoadFromEnumerable(examples);
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = nameof(TrainingExample.Label),
            FeatureColumnName = nameof(TrainingExample.Features),
            ExampleWeightColumnName = nameof(TrainingExample.Weight),
            L1Regularization = l1,
            L2Regularization = l2,
            OptimizationTolerance = 1e-6f,
            MaximumNumberOfIterations = 500,
            NumberOfThreads = 1,
        });
        var linear = trainer.Fit(data).Model.SubModel;
        var model = new LinearTextModel(linear.Weights.ToArray(), linear.Bias, 0f);
        if (!quiet)
        {
            Console.WriteLine($"{name}: {examples.Count} examples ({examples.Count(e => e.Label)} positive), bias={linear.Bias:F3}, nonzero={model.NonZeroWeights}");
        }

        return model;
    }

    /// <summary>The offset that puts logit 0 at the (1 - targetFpr) quantile of the negatives.</summary>
    public static float Offset(Func<string, double> logit, List<string> negatives, double targetFpr)
    {
        var sorted = negatives.Select(logit).Order().ToArray();
        var cut = sorted[Math.Clamp((int)Math.Ceiling(sorted.Length * (1 - targetFpr)), 0, sorted.Length - 1)];
        return -(float)cut;
    }

    public static void Save(LinearTextModel model, string path)
    {
        using (var file = File.Create(path))
        {
            model.Save(file, prune: 1e-4f);
        }

        Console.WriteLine($"wrote {path}: offset={model.Offset:F3} size={new FileInfo(path).Length} bytes");
    }
}
