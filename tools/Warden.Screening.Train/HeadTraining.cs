using Microsoft.ML;
using Warden.Core.Screening;

namespace Warden.Screening.Train;

/// <summary>The material one training run sees (all of the training split, or the part outside one cross-validation fold).</summary>
internal sealed record TrainingSlice(
    List<(string Id, string Text, int Label)> Deepset,
    List<(string Id, string Text, int Label)> Benign,
    List<(string Id, string Text, int Label)> BenignDocs,
    List<string> Contexts,
    List<string> Documents,
    List<string> Attacks,
    List<string>? MyAttacks = null);

/// <summary>Trains the two n-gram heads (direct and indirect) on one slice.</summary>
internal static class HeadTraining
{
    /// <summary>Regularisation of the indirect head when it differs from the direct head's (`--indirect-l1`, `--indirect-l2`).</summary>
    public static (float? L1, float? L2) Indirect { get; set; }

    /// <summary>Weight of a benign trigger-word line or benign document sentence among the direct head's negatives (`--benign-weight`).</summary>
    public static float BenignWeight { get; set; } = 1.5f;

    /// <summary>Weight of my own training attacks (`--extra-attacks`) relative to BIPIA's (`--extra-attack-weight`, round 8).</summary>
    public static float MyAttackWeight { get; set; } = 1f;

    /// <summary>Weight of a deepset injection among the indirect head's positives (`--indirect-deepset-weight`, round 9; 0.5 = round 4).</summary>
    public static float IndirectDeepsetWeight { get; set; } = 0.5f;

    /// <summary>
    /// Weight of a benign trigger-word line among the indirect head's negatives (`--indirect-benign-weight`, round 9; 0 = round 4:
    /// they are only the direct head's negatives).
    /// </summary>
    public static float IndirectBenignWeight { get; set; }

    /// <summary>
    /// Round 13 (`--direct-frozen 1`): texts the direct head never trains or calibrates on (the former held-out emails and
    /// benign document sentences after `--all-data indirect`), so it keeps round 7's material while the indirect side grows.
    /// Compared by reference, so a training text equal to a moved one (BIPIA repeats five emails) is still used.
    /// </summary>
    public static HashSet<string> DirectExcluded { get; } = new(ReferenceEqualityComparer.Instance);

    public static (LinearTextModel Direct, LinearTextModel Indirect) Train(MLContext ml, TrainingSlice d, float l1, float l2, double targetFpr, bool quiet = false)
    {
        var directModel = TrainDirect(ml, d, l1, l2, quiet);
        var indirectModel = TrainIndirect(ml, d, l1, l2, quiet);

        // Calibrate the direct head so the default threshold 0.5 sits where `targetFpr` of its training negatives score higher.
        var directOffset = Trainer.Offset(t => MaxDirectLogit(directModel, t), DirectNegatives(d), targetFpr);
        return (directModel.WithOffset(directOffset), indirectModel);
    }

    /// <summary>
    /// The direct head's calibration offset from out-of-fold scores: four heads, each trained without a quarter of the
    /// direct material, score the negatives of that quarter. In-sample scores of training negatives are lower than
    /// those of unseen benign text, so a threshold set on them lets too much benign text through.
    /// </summary>
    public static (float Offset, List<(LinearTextModel Direct, TrainingSlice Held)> Folds) OutOfFoldDirect(MLContext ml, TrainingSlice d, float l1, float l2, double targetFpr)
    {
        const int folds = 4;
        var logits = new List<double>();
        var models = new List<(LinearTextModel, TrainingSlice)>();
        for (var f = 0; f < folds; f++)
        {
            var k = f;
            var train = d with
            {
                Deepset = d.Deepset.Where((_, i) => i % folds != k).ToList(),
                Benign = d.Benign.Where((_, i) => i % folds != k).ToList(),
                BenignDocs = d.BenignDocs.Where((_, i) => i % folds != k).ToList(),
                Contexts = d.Contexts.Where((_, i) => i % folds != k).ToList(),
            };
            var held = d with
            {
                Deepset = d.Deepset.Where((_, i) => i % folds == k).ToList(),
                Benign = d.Benign.Where((_, i) => i % folds == k).ToList(),
                Contexts = d.Contexts.Where((_, i) => i % folds == k).ToList(),
            };
            var model = TrainDirect(ml, train, l1, l2, quiet: true);
            logits.AddRange(DirectNegatives(held).Select(t => MaxDirectLogit(model, t)));
            models.Add((model, held));
        }

        var sorted = logits.Order().ToArray();
        return (-(float)sorted[Math.Clamp((int)Math.Ceiling(sorted.Length * (1 - targetFpr)), 0, sorted.Length - 1)], models);
    }

    private static List<string> DirectNegatives(TrainingSlice d) =>
        d.Deepset.Where(r => r.Label == 0).Select(r => r.Text).Concat(d.Benign.Select(r => r.Text))
            .Concat(EvalSets.Indirect("t", DirectOnly(d.Contexts), [], 0).Select(r => r.Text)).ToList();

    private static List<string> DirectOnly(List<string> texts) =>
        DirectExcluded.Count == 0 ? texts : texts.Where(t => !DirectExcluded.Contains(t)).ToList();

    private static LinearTextModel TrainDirect(MLContext ml, TrainingSlice d, float l1, float l2, bool quiet)
    {
        // Direct head: deepset prompts vs benign prompts, benign trigger-word text and clean email text.
        var direct = new List<TrainingExample>();
        foreach (var (_, text, label) in d.Deepset)
        {
            direct.Add(TrainingExample.From(text, label == 1, 1f));
        }

        foreach (var (_, text, _) in d.Benign.Concat(d.BenignDocs.Where(r => !DirectExcluded.Contains(r.Text))))
        {
            direct.Add(TrainingExample.From(text, false, BenignWeight));
        }

        foreach (var context in DirectOnly(d.Contexts))
        {
            direct.Add(TrainingExample.From(context, false, 1f));
            direct.AddRange(EvalSets.Segments(context, 0, 0).Select(seg => TrainingExample.From(seg.Segment, false, 0.5f)));
        }

        return Trainer.Fit(ml, direct, l1, l2, "direct", quiet);
    }

    private static LinearTextModel TrainIndirect(MLContext ml, TrainingSlice d, float l1, float l2, bool quiet)
    {
        // Indirect head: instructions planted in documents (segments around the inserted attack) vs the documents' own text.
        var indirect = new List<TrainingExample>();
        var attacks = d.Attacks.Select(a => (Text: a, Weight: 1f)).Concat((d.MyAttacks ?? []).Select(a => (Text: a, Weight: MyAttackWeight))).ToList();
        foreach (var (attack, weight) in attacks)
        {
            indirect.Add(TrainingExample.From(attack, true, weight));
        }

        foreach (var (_, text, label) in d.Deepset.Where(r => r.Label == 1))
        {
            indirect.Add(TrainingExample.From(text, true, IndirectDeepsetWeight));
        }

        if (IndirectBenignWeight > 0)
        {
            indirect.AddRange(d.Benign.Select(r => TrainingExample.From(r.Text, false, IndirectBenignWeight)));
        }

        foreach (var (_, text, _) in d.BenignDocs)
        {
            indirect.Add(TrainingExample.From(text, false, 3f));
        }

        // Clean documents: the BIPIA training emails and my own documents. Attacks are planted at several sentence
        // boundaries of each (start, end and two pseudo-random ones), so position does not matter.
        var trainDocs = d.Contexts.Concat(d.Documents).ToList();
        var rng = new Random(11);
        for (var c = 0; c < trainDocs.Count; c++)
        {
            var context = trainDocs[c];
            indirect.AddRange(EvalSets.Segments(context, 0, 0).Select(seg => TrainingExample.From(seg.Segment, false, 2f)));
            for (var a = 0; a < attacks.Count; a++)
            {
                var (attack, weight) = attacks[a];
                foreach (var k in new[] { 0, -1, rng.Next(1, 1000), rng.Next(1, 1000) })
                {
                    var (doc, start) = k < 0 ? EvalSets.Insert(context, attack, 2, (c + a) % 2 == 0) : EvalSets.InsertAtBoundary(context, attack, k, (c + a + k) % 2 == 0);
                    foreach (var (seg, overlaps) in EvalSets.Segments(doc, start, attack.Length))
                    {
                        if (overlaps)
                        {
                            indirect.Add(TrainingExample.From(seg, true, 0.1f * weight));
                        }
                    }
                }
            }
        }

        return Trainer.Fit(ml, indirect, Indirect.L1 ?? l1, Indirect.L2 ?? l2, "indirect", quiet);
    }

    public static double MaxDirectLogit(LinearTextModel model, string text)
    {
        var segments = new List<(int Start, int Length)>();
        TextSegments.Split(text, segments);
        var best = text.Length <= 2000 ? model.Logit(text) : float.NegativeInfinity;
        return segments.Count <= 1 ? best : Math.Max(best, segments.Max(s => model.Logit(text.AsSpan(s.Start, s.Length))));
    }
}
