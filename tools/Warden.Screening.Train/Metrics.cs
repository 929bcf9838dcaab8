using System.Globalization;
using Warden.Core.Screening;

namespace Warden.Screening.Train;

/// <summary>The same numbers as score_labels.py: recall/FPR at the decision, ROC AUC, recall at FPR ≤ 5%.</summary>
internal static class Metrics
{
    public static string Summary(InjectionDetector detector, List<(string Id, string Text, int Label)> rows) =>
        Summary(rows.Select(r => (detector.Assess(r.Text), r.Label)).ToList());

    /// <summary>The same summary from assessments already made (so a caller that also needs the scores assesses once).</summary>
    public static string Summary(List<(InjectionAssessment Assessment, int Label)> scored)
    {
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

    /// <summary>AUC, recall at FPR ≤ 5% and recall/FPR at logit 0 of (logit, label) pairs.</summary>
    public static string Ranking(IReadOnlyList<(double Score, bool Label)> scored)
    {
        var (auc, recallAt5, recall, fpr, pos, neg) = RankingValues(scored);
        return string.Create(CultureInfo.InvariantCulture, $"auc={auc:F3} r@5={recallAt5:F3} recall={recall:F3} fpr={fpr:F3} ({pos}/{neg})");
    }

    /// <summary>AUC, recall at FPR ≤ 5%, recall and FPR at logit 0, and the class counts.</summary>
    public static (double Auc, double RecallAt5, double Recall, double Fpr, int Pos, int Neg) RankingValues(IReadOnlyList<(double Score, bool Label)> scored)
    {
        var neg = scored.Where(s => !s.Label).Select(s => s.Score).Order().ToArray();
        var pos = scored.Where(s => s.Label).Select(s => s.Score).Order().ToArray();
        double sum = 0;
        foreach (var p in pos)
        {
            sum += LowerBound(neg, p) + (0.5 * (UpperBound(neg, p) - LowerBound(neg, p)));
        }

        var allowed = (int)Math.Floor(0.05 * neg.Length);
        var cut = neg.Length == 0 ? double.NegativeInfinity : neg[neg.Length - 1 - Math.Min(allowed, neg.Length - 1)];
        var t = allowed >= neg.Length ? double.NegativeInfinity : cut;
        var recallAt5 = pos.Count(p => p > t) / (double)Math.Max(1, pos.Length);
        return (sum / Math.Max(1, pos.Length) / Math.Max(1, neg.Length), recallAt5, pos.Count(p => p >= 0) / (double)Math.Max(1, pos.Length),
            neg.Count(n => n >= 0) / (double)Math.Max(1, neg.Length), pos.Length, neg.Length);
    }

    private static int LowerBound(double[] a, double v)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (a[mid] < v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int UpperBound(double[] a, double v)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (a[mid] <= v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
