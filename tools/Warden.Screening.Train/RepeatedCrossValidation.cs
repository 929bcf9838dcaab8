using System.Globalization;
using Microsoft.ML;

namespace Warden.Screening.Train;

/// <summary>AUC, recall at FPR ≤ 5 % and FPR at the default threshold of one fold.</summary>
internal readonly record struct RankingValue(double Auc, double RecallAt5, double Fpr)
{
    public RankingValue((double Auc, double RecallAt5, double Recall, double Fpr, int Pos, int Neg) v)
        : this(v.Auc, v.RecallAt5, v.Fpr)
    {
    }
}

/// <summary>
/// Repeated grouped cross-validation (round 9, `--cv-repeats R`): the grouped CV of <see cref="CrossValidation"/> run R times
/// with seeded fold assignments (<see cref="FoldAssignment.Seeded"/>), each fold scored by the full detector as the held-out
/// sets are. Prints the mean of every fold and its standard error across repeats, writes one line per fold
/// (`--cv-out`), and with `--cv-baseline FILE` the paired difference to an earlier run on the same folds. A single 4-fold run
/// cannot tell changes of ±0.005 apart (round 8); the paired difference over many fold assignments can.
/// </summary>
internal static class RepeatedCrossValidation
{
    private static readonly string[] Columns = ["all_auc", "all_r5", "all_fpr", "bipia_auc", "bipia_r5", "bipia_fpr"];

    public static void Run(MLContext ml, EvalSets sets, float l1, float l2, double targetFpr, double combinerL2, int repeats, int folds, int seed, string outPath, string baselinePath)
    {
        var rows = new List<(int Repeat, int Fold, int Seed, double[] Values)>();
        for (var r = 0; r < repeats; r++)
        {
            var assignment = FoldAssignment.Seeded(sets, folds, seed + r);
            var records = CrossValidation.OutOfFold(ml, sets, l1, l2, targetFpr, assignment);
            for (var f = 0; f < folds; f++)
            {
                var combiner = CrossValidation.FitCombiner(records.Where(x => x.Fold != f).ToList(), combinerL2, targetFpr);
                var (_, all, bipia) = CrossValidation.FullDetector(f, combiner, records.Where(x => x.Fold == f).ToList());
                rows.Add((r, f, seed + r, [all.Auc, all.RecallAt5, all.Fpr, bipia.Auc, bipia.RecallAt5, bipia.Fpr]));
            }

            var mine = rows.Where(x => x.Repeat == r).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cv repeat {r} (seed {seed + r}, {string.Join(" | ", assignment.Categories.Select(c => string.Join(", ", c)))}): ")
                + string.Join(" ", Columns.Select((c, j) => string.Create(CultureInfo.InvariantCulture, $"{c}={mine.Average(x => x.Values[j]):F3}"))));
        }

        Console.WriteLine($"cv repeated ({repeats} × {folds} folds, full detector; mean of folds ± standard error across repeats):");
        for (var j = 0; j < Columns.Length; j++)
        {
            var k = j;
            var (mean, se) = MeanAndError(Enumerable.Range(0, repeats).Select(r => rows.Where(x => x.Repeat == r).Average(x => x.Values[k])).ToList());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Columns[j],-10} {mean:F4} ± {se:F4}"));
        }

        if (outPath.Length > 0)
        {
            File.WriteAllLines(outPath, rows.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Repeat}\t{x.Fold}\t{x.Seed}\t{string.Join('\t', x.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}"))
                .Prepend("repeat\tfold\tseed\t" + string.Join('\t', Columns)));
        }

        if (baselinePath.Length > 0)
        {
            Compare(rows, baselinePath);
        }
    }

    /// <summary>Paired difference (this run − baseline) on the same folds: mean, standard error across repeats and across folds.</summary>
    private static void Compare(List<(int Repeat, int Fold, int Seed, double[] Values)> rows, string baselinePath)
    {
        var baseline = File.ReadLines(baselinePath).Skip(1).Select(l => l.Split('\t'))
            .ToDictionary(p => (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture)),
                p => (Seed: int.Parse(p[2], CultureInfo.InvariantCulture), Values: p[3..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()));
        var paired = rows.Where(x => baseline.TryGetValue((x.Repeat, x.Fold), out var b) && b.Seed == x.Seed).ToList();
        if (paired.Count != rows.Count)
        {
            Console.WriteLine($"cv paired: {rows.Count - paired.Count} folds without a baseline fold of the same seed; not compared");
            return;
        }

        Console.WriteLine($"cv paired difference to {Path.GetFileName(baselinePath)} (this run − baseline; ± SE across repeats / across folds):");
        for (var j = 0; j < Columns.Length; j++)
        {
            var k = j;
            var diffs = paired.Select(x => (x.Repeat, D: x.Values[k] - baseline[(x.Repeat, x.Fold)].Values[k])).ToList();
            var (mean, seRepeats) = MeanAndError(diffs.GroupBy(x => x.Repeat).Select(g => g.Average(x => x.D)).ToList());
            var (_, seFolds) = MeanAndError(diffs.Select(x => x.D).ToList());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Columns[j],-10} {mean:+0.0000;-0.0000} ± {seRepeats:F4} / {seFolds:F4} ({mean / Math.Max(Math.Max(seRepeats, seFolds), 1e-9):+0.0;-0.0} SE)"));
        }
    }

    private static (double Mean, double Error) MeanAndError(List<double> values)
    {
        var mean = values.Average();
        var variance = values.Count > 1 ? values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) : 0;
        return (mean, Math.Sqrt(variance / values.Count));
    }
}
