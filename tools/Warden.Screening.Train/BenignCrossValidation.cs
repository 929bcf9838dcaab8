using System.Globalization;
using Warden.Core.Screening;

namespace Warden.Screening.Train;

/// <summary>
/// Out-of-fold false-positive rate on the benign trigger-word lines of the training split: each line is scored by the
/// full detector (rules and classifier) whose direct head was trained without that line's quarter. The in-sample rate
/// of the training split is optimistic (those lines are negatives of the direct head); this is the guide for decisions.
/// </summary>
internal static class BenignCrossValidation
{
    public static void Report(List<(LinearTextModel Direct, TrainingSlice Held)> folds, float directOffset,
        LinearTextModel indirect, DocumentCombiner combiner, HashSet<string> extraIds)
    {
        var debug = Environment.GetEnvironmentVariable("WARDEN_TRAIN_DEBUG") == "1";
        var groups = new Dictionary<string, (int Flagged, int Total)>(StringComparer.Ordinal);
        var near = 0; // lines scoring at least 0.35: the tail near the threshold, a finer guide than the few flagged lines
        var deepset = new List<(InjectionDetector Detector, (string Id, string Text, int Label) Row)>();
        foreach (var (direct, held) in folds)
        {
            var detector = new InjectionDetector(null, direct.WithOffset(directOffset), indirect, combiner);
            deepset.AddRange(held.Deepset.Select(r => (detector, r)));
            foreach (var (id, text, _) in held.Benign)
            {
                var a = detector.Assess(text);
                near += a.Score >= 0.35 ? 1 : 0;
                var group = extraIds.Contains(id) ? (id.Contains("-f-", StringComparison.Ordinal) ? "fresh" : id.Contains("-g-", StringComparison.Ordinal) ? "fresh2" : "extra") : Number(id) < 194 ? "batch1" : "batch2";
                foreach (var g in new[] { group, "all" })
                {
                    var (f, t) = groups.GetValueOrDefault(g);
                    groups[g] = (f + (a.Detected ? 1 : 0), t + 1);
                }

                if (debug && a.Detected)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cv benign flagged {id} {a.Score:F2} [{string.Join(",", a.Signals.Select(x => $"{x.Id}={x.Score:F2}"))}] {text}"));
                }
            }
        }

        Console.WriteLine("cv benign (out-of-fold direct head, full detector): " + string.Join("; ", groups.OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} fpr={g.Value.Flagged / (double)g.Value.Total:F3} ({g.Value.Flagged}/{g.Value.Total})"))) + $"; score >= 0.35: {near}");

        // The same out-of-fold heads on their held-out quarter of the deepset training split (direct injections).
        var scored = deepset.Select(x => (x.Detector.Assess(x.Row.Text), x.Row.Label == 1)).ToList();
        Console.WriteLine("cv deepset (out-of-fold direct head, full detector): " + Metrics.Ranking(scored.Select(s => (s.Item1.Score, s.Item2)).ToList())
            + string.Create(CultureInfo.InvariantCulture, $" recall@0.5={scored.Count(s => s.Item2 && s.Item1.Detected) / (double)Math.Max(1, scored.Count(s => s.Item2)):F3} fpr@0.5={scored.Count(s => !s.Item2 && s.Item1.Detected) / (double)Math.Max(1, scored.Count(s => !s.Item2)):F3}"));
    }

    private static int Number(string id)
    {
        var dash = id.LastIndexOf('-');
        return int.TryParse(id.AsSpan(dash + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
    }
}
