using System.Globalization;
using Microsoft.ML;
using Warden.Core.Screening;

namespace Warden.Screening.Train;

/// <summary>One evaluation document: its label and, per segment, the combiner inputs and whether the segment carries the attack.</summary>
internal sealed record DocRecord(int Fold, bool Label, List<float[]> Segments, List<bool> Attack, string? AttackText = null, string? Text = null, bool Bipia = false, int Position = -1)
{
    /// <summary>The document's direct logit (the combiner's fifth document input; 0 unless `--document-direct 1`).</summary>
    public float Direct { get; init; }

    /// <summary>A long deepset prompt (`--document-direct 1`): fits the document layer only; never a segment example, never calibrates, never scored as a document.</summary>
    public bool Prompt { get; init; }
}

/// <summary>
/// Grouped cross-validation inside the training split, shaped like the held-out test: each fold holds out a
/// quarter of the training emails and documents and whole attack categories (one "task" category and one or two
/// "output manipulation" categories), trains the n-gram heads on the rest and records the segment inputs of the
/// fold's documents. These out-of-fold inputs train the <see cref="DocumentCombiner"/> (so it learns how much to
/// trust the n-gram logits on attacks of an unseen kind) and calibrate its threshold on documents the heads have
/// not seen. Nothing here reads the held-out split.
/// </summary>
internal static class CrossValidation
{
    public const int Folds = 4;

    private static string[][] CategoryFolds { get; set; } =
    [
        ["Information Retrieval", "Alphanumeric Substitution", "Social Interaction"],
        ["Content Creation", "Misspelling Intentionally", "Clickbait"],
        ["Language Translation", "Anagramming", "Instruction"],
        ["Programming Help", "Space Removal & Grouping"],
    ];

    /// <summary>The heads of each fold (for the full-detector line of <see cref="Report"/>).</summary>
    public static List<(LinearTextModel Direct, LinearTextModel Indirect)> FoldHeads { get; } = [];

    /// <summary>The categories of <see cref="CategoryFolds"/> by kind (task, output manipulation, other): the rows of a seeded assignment.</summary>
    public static string[][] CategoryKinds { get; private set; } = [.. Enumerable.Range(0, 3).Select(k => CategoryFolds.Where(f => f.Length > k).Select(f => f[k]).ToArray())];

    /// <summary>
    /// Round 11 (`--all-data 1`): the four categories of the former held-out split join the cross-validation, one per fold
    /// of the fixed assignment, and each joins its kind (task: Learning and Tutoring; output manipulation: Homophonic
    /// Substitution; other: Persuasion, Malware Distribution) for the seeded assignments.
    /// </summary>
    public static void IncludeHeldOutCategories()
    {
        var kinds = CategoryKinds;
        CategoryKinds = [[.. kinds[0], "Learning and Tutoring"], [.. kinds[1], "Homophonic Substitution"], [.. kinds[2], "Persuasion", "Malware Distribution"]];
        var folds = CategoryFolds;
        CategoryFolds = [[.. folds[0], "Persuasion"], [.. folds[1], "Homophonic Substitution"], [.. folds[2], "Malware Distribution"], [.. folds[3], "Learning and Tutoring"]];
    }

    /// <summary>Round 4's fold assignment: email/document i in fold i mod 4, the fixed category folds.</summary>
    public static FoldAssignment DefaultAssignment(EvalSets sets) =>
        new(Folds, [.. sets.ContextsTrain.Select((_, i) => i % Folds)], [.. sets.DocumentsTrain.Select((_, i) => i % Folds)], CategoryFolds);

    public static List<DocRecord> OutOfFold(MLContext ml, EvalSets sets, float l1, float l2, double targetFpr, FoldAssignment? assignment = null)
    {
        var a = assignment ?? DefaultAssignment(sets);
        FoldHeads.Clear();
        var records = new List<DocRecord>();
        for (var f = 0; f < a.Folds; f++)
        {
            var valCategories = a.Categories[f];
            var trainAttacks = sets.AttacksTrain.Where((_, i) => !valCategories.Contains(sets.AttackCategoriesTrain[i])).ToList();
            var valAttacks = sets.AttacksTrain.Where((_, i) => valCategories.Contains(sets.AttackCategoriesTrain[i])).ToList();
            var fold = f;

            // With `--document-direct 1` the fold's heads leave out a quarter of deepset, whose long prompts become the fold's prompt records.
            var deepset = DocumentDirect ? sets.DeepsetTrain.Where((_, i) => i % a.Folds != fold).ToList() : sets.DeepsetTrain;
            var slice = new TrainingSlice(deepset, sets.BenignTrain, sets.BenignDocsTrain,
                sets.ContextsTrain.Where((_, i) => a.Contexts[i] != fold).ToList(), sets.DocumentsTrain.Where((_, i) => a.Documents[i] != fold).ToList(), trainAttacks, sets.ExtraAttacks);
            var (direct, indirect) = HeadTraining.Train(ml, slice, l1, l2, targetFpr, quiet: true);
            FoldHeads.Add((direct, indirect));
            var contexts = sets.ContextsTrain.Where((_, i) => a.Contexts[i] == fold).ToList();
            var docs = contexts.Concat(sets.DocumentsTrain.Where((_, i) => a.Documents[i] == fold)).ToList();
            records.AddRange(Documents(f, docs, valAttacks, direct, indirect, bipiaCount: contexts.Count));
            if (DocumentDirect)
            {
                foreach (var (_, text, label) in sets.DeepsetTrain.Where((r, i) => i % a.Folds == fold && r.Text.Length >= LongPromptChars))
                {
                    var prompt = Record(f, text, 0, 0, direct, indirect) with { Label = label == 1, Prompt = true };
                    records.AddRange(Enumerable.Repeat(prompt, LongPromptCopies));
                }
            }
            if (assignment is null)
            {
                Console.WriteLine($"cv fold {f}: {docs.Count} documents, {valAttacks.Count} unseen attacks ({string.Join(", ", valCategories)})");
            }
        }

        return records;
    }

    /// <summary>Clean documents, two-document threads and every document × attack × position (start, middle, end).</summary>
    public static IEnumerable<DocRecord> Documents(int fold, List<string> docs, List<string> attacks, LinearTextModel direct, LinearTextModel indirect, int bipiaCount = 0)
    {
        for (var c = 0; c < docs.Count; c++)
        {
            yield return Record(fold, docs[c], 0, 0, direct, indirect) with { Bipia = c < bipiaCount };
            for (var d = 0; d < docs.Count; d++)
            {
                if (d != c)
                {
                    yield return Record(fold, docs[c] + "\n\n" + docs[d], 0, 0, direct, indirect) with { Bipia = c < bipiaCount && d < bipiaCount };
                }
            }

            for (var a = 0; a < attacks.Count; a++)
            {
                for (var p = 0; p < 3; p++)
                {
                    var (text, start) = EvalSets.Insert(docs[c], attacks[a], p, (c + a + p) % 2 == 0);
                    yield return Record(fold, text, start, attacks[a].Length, direct, indirect) with { AttackText = attacks[a], Bipia = c < bipiaCount, Position = (p * 2) + ((c + a + p) % 2 == 0 ? 1 : 0) };
                }
            }
        }
    }

    /// <summary>
    /// Stop 22 (`--document-direct 1`): the combiner gets the document's direct logit as a fifth document input and is fitted with
    /// the long deepset prompts (as many characters as open the detector's document gate) among its documents, each scored by
    /// heads that did not train on it, so a long prompt is judged as a prompt. Off: the input is 0 and earlier files are reproduced.
    /// </summary>
    public static bool DocumentDirect { get; set; }

    /// <summary>How often each long prompt record counts in the document layer's fit (`--long-prompt-copies`).</summary>
    public static int LongPromptCopies { get; set; } = 10;

    /// <summary>The detector's document gate opens at this length (InjectionDetector.DocumentMinChars).</summary>
    private const int LongPromptChars = 180;

    /// <summary>The direct head's weight in documents written into the combiner (`--direct-in-documents`; 1 = round 4).</summary>
    public static float DirectInDocuments { get; set; } = 1f;

    /// <summary>Combiner inputs left out (ablation: `--mask 10,11,12` fits the combiner without those inputs).</summary>
    public static int[] Mask { get; set; } = [];

    private static DocRecord Record(int fold, string text, int start, int length, LinearTextModel direct, LinearTextModel indirect)
    {
        var inputs = InjectionDetector.SegmentInputs(text, direct, indirect);
        foreach (var x in inputs)
        {
            foreach (var j in Mask)
            {
                x[j] = 0;
            }
        }

        var attack = EvalSets.Segments(text, start, length).Select(s => length > 0 && s.Overlaps).ToList();
        return new DocRecord(fold, length > 0, inputs, attack, Text: text) { Direct = DocumentDirect ? (float)HeadTraining.MaxDirectLogit(direct, text) : 0f };
    }

    /// <summary>Fits the segment and document layers on <paramref name="records"/> and calibrates 0.5 at <paramref name="targetFpr"/> of their clean documents.</summary>
    public static DocumentCombiner FitCombiner(IReadOnlyList<DocRecord> records, double l2, double targetFpr)
    {
        var segX = new List<float[]>();
        var segY = new List<bool>();
        foreach (var r in records.Where(r => !r.Prompt))
        {
            for (var i = 0; i < r.Segments.Count; i++)
            {
                if (!r.Label || r.Attack[i])
                {
                    segX.Add(r.Segments[i]);
                    segY.Add(r.Label);
                }
            }
        }

        var (sw, sb) = DenseLogistic.Fit(segX, segY, l2);
        var seg = new DocumentCombiner(sw, sb, [1, 0, 0, 0, 0], 0, 0);
        var docX = records.Select(r => DocumentInputs(seg, r)).ToList();
        var (dw, db) = DenseLogistic.Fit(docX, records.Select(r => r.Label).ToList(), l2);
        var combiner = new DocumentCombiner(sw, sb, dw, db, 0);
        var clean = records.Where(r => !r.Label && !r.Prompt).Select(r => (double)Logit(combiner, r)).Order().ToArray();
        var cut = clean[Math.Clamp((int)Math.Ceiling(clean.Length * (1 - targetFpr)), 0, clean.Length - 1)];
        return combiner.WithOffset(-(float)cut).WithDirectInDocuments(DirectInDocuments);
    }

    /// <summary>Calibrated document logit, as <see cref="InjectionDetector"/> computes it.</summary>
    public static float Logit(DocumentCombiner combiner, DocRecord r)
    {
        var x = DocumentInputs(combiner, r);
        return combiner.DocumentLogit(x[0], x[1], r.Segments.Count, x[3], x[4]) + combiner.Offset;
    }

    private static float[] DocumentInputs(DocumentCombiner seg, DocRecord r)
    {
        float top1 = float.NegativeInfinity, top2 = float.NegativeInfinity, sum = 0;
        foreach (var x in r.Segments)
        {
            var g = seg.SegmentLogit(x);
            sum += g;
            if (g > top1)
            {
                (top2, top1) = (top1, g);
            }
            else if (g > top2)
            {
                top2 = g;
            }
        }

        return [top1, r.Segments.Count > 1 ? top2 : top1, MathF.Log(Math.Clamp(r.Segments.Count, 1, DocumentCombiner.MaxPriorSegments)), sum / r.Segments.Count, r.Direct];
    }

    /// <summary>Leave-one-fold-out estimate: the combiner fitted on three folds, scored on the fourth; and the old max-pooling for comparison.</summary>
    public static void Report(IReadOnlyList<DocRecord> records, double l2, double targetFpr)
    {
        var all = new List<(double Score, bool Label)>();
        var old = new List<(double Score, bool Label)>();
        var folds = new List<(double Auc, double RecallAt5)>();
        var bipiaFolds = new List<(double Auc, double RecallAt5)>();
        var fullFolds = new List<(double Auc, double RecallAt5, double Fpr)>();
        var fullBipiaFolds = new List<(double Auc, double RecallAt5, double Fpr)>();
        var foldCount = records.Max(r => r.Fold) + 1;
        for (var f = 0; f < foldCount; f++)
        {
            var combiner = FitCombiner(records.Where(r => r.Fold != f).ToList(), l2, targetFpr);
            var test = records.Where(r => r.Fold == f && !r.Prompt).ToList();
            if (FoldHeads.Count == foldCount && test.All(r => r.Text is not null))
            {
                var (detector, vf, vfb) = FullDetector(f, combiner, test);
                fullFolds.Add((vf.Auc, vf.RecallAt5, vf.Fpr));
                fullBipiaFolds.Add((vfb.Auc, vfb.RecallAt5, vfb.Fpr));
                if (Environment.GetEnvironmentVariable("WARDEN_TRAIN_DEBUG") == "2")
                {
                    foreach (var n in test.Where(r => !r.Label && r.Bipia).Select(r => (r, a: detector.Assess(r.Text!))).OrderByDescending(x => x.a.Score).Take(8))
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    full neg {n.a.Score:F2} [{string.Join(",", n.a.Signals.Select(x => $"{x.Id}={x.Score:F2}"))}] {n.r.Text![..Math.Min(90, n.r.Text!.Length)].ReplaceLineEndings(" ")}"));
                    }

                    var full = test.Where(r => !r.Prompt).Select(r => (Score: detector.Assess(r.Text!).Score - 0.5, r.Label, r.Bipia)).ToList();
                    var cut5 = full.Where(x => !x.Label && x.Bipia).Select(x => x.Score).OrderDescending().ElementAt(full.Count(x => !x.Label && x.Bipia) / 20);
                    foreach (var g in test.Where(r => r.Label && r.Bipia).Select(r => (r, a: detector.Assess(r.Text!).Score - 0.5)).Where(x => x.Item2 <= cut5).GroupBy(x => x.r.AttackText).OrderByDescending(g => g.Count()).Take(8))
                    {
                        Console.WriteLine($"    full missed {g.Count()} {g.Key}");
                    }
                }
            }

            var scored = test.Select(r => ((double)Logit(combiner, r), r.Label)).ToList();
            var baseline = test.Select(r => (Baseline(r), r.Label)).ToList();
            all.AddRange(scored);
            old.AddRange(baseline);
            var v = Metrics.RankingValues(scored);
            folds.Add((v.Auc, v.RecallAt5));
            var bipia = test.Where(r => r.Bipia).Select(r => ((double)Logit(combiner, r), r.Label)).ToList();
            var vb = Metrics.RankingValues(bipia);
            bipiaFolds.Add((vb.Auc, vb.RecallAt5));
            if (Environment.GetEnvironmentVariable("WARDEN_TRAIN_DEBUG") == "1")
            {
                foreach (var n in test.Where(r => !r.Label).OrderByDescending(r => Logit(combiner, r)).Take(4))
                {
                    var segs = n.Segments.Select((x, i) => (G: combiner.SegmentLogit(x), I: i)).OrderByDescending(x => x.G).First();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    neg {Logit(combiner, n):F2} segs={n.Segments.Count} top g={segs.G:F2} [{string.Join(" ", n.Segments[segs.I].Select(v => v.ToString("F2", CultureInfo.InvariantCulture)))}] {n.Text![..Math.Min(70, n.Text!.Length)].ReplaceLineEndings(" ")}"));
                }

                var bcut = test.Where(r => !r.Label && r.Bipia).Select(r => Logit(combiner, r)).OrderDescending().ElementAt(test.Count(r => !r.Label && r.Bipia) / 20);
                Console.WriteLine("    BIPIA-shape recall at its 5% cut by position (start/middle/end × space/newline): " + string.Join(" ", test.Where(r => r.Label && r.Bipia).GroupBy(r => r.Position).OrderBy(g => g.Key)
                    .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}:{g.Count(r => Logit(combiner, r) > bcut)}/{g.Count()}"))));
                var cut = test.Where(r => !r.Label).Select(r => Logit(combiner, r)).OrderDescending().ElementAt(test.Count(r => !r.Label) / 20);
                foreach (var g in test.Where(r => r.Label).GroupBy(r => r.AttackText).OrderBy(g => g.Count(r => Logit(combiner, r) > cut)))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {g.Count(r => Logit(combiner, r) > cut)}/{g.Count()} {g.Key}"));
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cv fold {f}: combiner {Metrics.Ranking(scored)} | max-pooled indirect head {Metrics.Ranking(baseline)} | BIPIA emails only {Metrics.Ranking(bipia)}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cv mean of folds: combiner auc={folds.Average(x => x.Auc):F3} r@5={folds.Average(x => x.RecallAt5):F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cv mean of folds, BIPIA emails only (the held-out shape): combiner auc={bipiaFolds.Average(x => x.Auc):F3} r@5={bipiaFolds.Average(x => x.RecallAt5):F3} (folds r@5 {string.Join(" / ", bipiaFolds.Select(x => x.RecallAt5.ToString("F3", CultureInfo.InvariantCulture)))})"));
        if (fullFolds.Count == foldCount)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cv full detector, mean of folds: auc={fullFolds.Average(x => x.Auc):F3} r@5={fullFolds.Average(x => x.RecallAt5):F3} fpr@0.5={fullFolds.Average(x => x.Fpr):F3}; BIPIA emails only: auc={fullBipiaFolds.Average(x => x.Auc):F3} r@5={fullBipiaFolds.Average(x => x.RecallAt5):F3} fpr@0.5={fullBipiaFolds.Average(x => x.Fpr):F3} (folds r@5 {string.Join(" / ", fullBipiaFolds.Select(x => x.RecallAt5.ToString("F3", CultureInfo.InvariantCulture)))})"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cv pooled: combiner {Metrics.Ranking(all)} | max-pooled indirect head {Metrics.Ranking(old)}"));
    }

    /// <summary>
    /// The full detector (rules, direct head on the text and its segments, the combiner) on fold <paramref name="f"/>, as the
    /// held-out sets are scored: the fold's heads and a combiner fitted on the other folds. Ranking values on all of the
    /// fold's documents and on its BIPIA emails only (the held-out shape); scores are shifted so the default threshold is 0.
    /// </summary>
    public static (InjectionDetector Detector, RankingValue All, RankingValue Bipia) FullDetector(int f, DocumentCombiner combiner, IReadOnlyList<DocRecord> test)
    {
        var detector = new InjectionDetector(null, FoldHeads[f].Direct, FoldHeads[f].Indirect, combiner);
        var full = test.Select(r => (Score: detector.Assess(r.Text!).Score - 0.5, r.Label, r.Bipia)).ToList();
        return (detector, new(Metrics.RankingValues(full.Select(x => (x.Score, x.Label)).ToList())),
            new(Metrics.RankingValues(full.Where(x => x.Bipia).Select(x => (x.Score, x.Label)).ToList())));
    }

    private static double Baseline(DocRecord r)
    {
        var l = r.Segments.Select(x => x[0]).OrderDescending().ToArray();
        return l[0] - (0.5 * Math.Max(l.Length > 1 ? l[1] : 0, 0));
    }
}
