using System.Globalization;
using Warden.Core.Screening;

namespace Warden.Screening.Train;

/// <summary>The same numbers as score_labels.py: recall/FPR at the decision, ROC AUC, recall at FPR ≤ 5%.</summary>
internal static class Metrics
{
    public static string Summary(InjectionDetector detector, List<(string Id, string Text, int Label)> rows)
    {
        var scored = rows.Select(r => (Assessment: detector.Assess(r.Text), r.Label)).ToList();
        var pos = scored.Count(s => s.Label == 1);
        var neg = scored.Count - pos;
        var tp = scored.Count(s => s.Label == 1 && s.Assessment.Detected);
        var fp = scored.Count(s => s.Label == 0 && s.Assessment.Detected);
        var negScores = scored.Where(s => s.Label == 0).Select(s => s.Assessment.Score).Order().ToArray();
        var posScores = scored.Where(s => s.Label == 1).Select(s => s.Assessment.Score).ToArray();
        var auc = double.NaN;
        var recallAt5 = double.NaN;
        if (pos > 0 && neg > 0)
        {
            double sum = 0;
            foreach (var p in posScores)
            {
                sum += negScores.Count(n => n < p) + (0.5 * negScores.Count(n => n == p));
            }

            auc = sum / pos / neg;
            recallAt5 = 0;
            foreach (var t in scored.Select(s => s.Assessment.Score).Distinct())
            {
                if (negScores.Count(n => n >= t) <= 0.05 * neg)
                {
                    recallAt5 = Math.Max(recallAt5, posScores.Count(p => p >= t) / (double)pos);
                }
            }
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"recall={(pos > 0 ? tp / (double)pos : double.NaN):F3} fpr={(neg > 0 ? fp / (double)neg : double.NaN):F3} auc={auc:F3} recall_at_fpr5={recallAt5:F3} pos={pos} neg={neg}");
    }
}
