using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Warden.Core.Screening;
using Warden.Screening.Train;

// Retrains the injection classifier shipped in Warden.Core. See docs/screening.md.
//   dotnet run -c Release --project tools/Warden.Screening.Train -- --data /work/shared/eval/injection
// Other options (defaults below): --benign, --benign-docs, --documents, --long-documents, --benign-extra, --extra-documents, --model-dir, --eval-dir, --l1, --l2, --indirect-l1 (default: --l1), --indirect-l2, --benign-weight, --target-fpr, --combiner-l2, --direct-in-documents (1 = round 4; round 6 was trained with 0),
// --extra-attacks FILE[,FILE] and --extra-attack-weight (training-only attacks of my own, round 8), --voice-features 1 (round 8's combiner inputs; 0 masks them),
// --long-position 1 (round 10: first/last-segment inputs only in documents of more than four segments, replacing inputs 5 and 6),
// --indirect-deepset-weight W (0.5) and --indirect-benign-weight W (0 = off; round 9: the indirect head's deepset positives and benign trigger-word negatives),
// --all-data 1 (round 11: every held-out split joins training; no held-out set is written or scored), --all-data indirect (round 12: only the indirect material does), --direct-frozen 1 (round 13: with it, the direct head keeps round 7's material), --fresh DIR (stop 22: write the blind test sets built from DIR), --score FILE[,FILE] (the scorer's summary with --model-dir's files), --document-direct 1 --long-prompt-copies K (stop 22, round 14c: the combiner reads the document's direct logit and is fitted with long deepset prompts),
// --cv-repeats R --cv-folds K --cv-seed S --cv-out FILE --cv-baseline FILE (round 9: repeated grouped CV with seeded folds, and the paired difference to an earlier --cv-out).
// WARDEN_TRAIN_DEBUG=1 also prints per-attack CV recall, flagged benign lines and top clean documents (training split only);
// WARDEN_TRAIN_SKIP_HOLDOUT=1 skips every held-out metric.
var opts = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["data"] = "/work/shared/eval/injection",
    ["benign"] = "tests/data/screening/benign_trigger_words.jsonl",
    ["benign-docs"] = "tests/data/screening/benign_document_sentences.jsonl",
    ["documents"] = "tests/data/screening/benign_documents.jsonl",
    ["long-documents"] = "tests/data/screening/benign_documents_long.jsonl",
    ["benign-extra"] = "tests/data/screening/benign_trigger_words_extra.jsonl",
    ["extra-documents"] = "tests/data/screening/benign_documents_extra.jsonl",
    ["model-dir"] = "src/Warden.Core/Screening/Model",
    ["eval-dir"] = "artifacts/screening-eval",
    ["l1"] = "0.05",
    ["l2"] = "0.3",
    ["target-fpr"] = "0.02",
    ["combiner-l2"] = "0.001",
    ["mask"] = "",
    ["indirect-l1"] = "",
    ["indirect-l2"] = "",
    ["benign-weight"] = "1.5",
    ["direct-in-documents"] = "1",
    ["audit"] = "",
    ["extra-attacks"] = "",
    ["extra-attack-weight"] = "1",
    ["voice-features"] = "0",
    ["long-position"] = "0",
    ["indirect-deepset-weight"] = "0.5",
    ["indirect-benign-weight"] = "0",
    ["cv-repeats"] = "0",
    ["cv-folds"] = "4",
    ["cv-seed"] = "1",
    ["cv-out"] = "",
    ["cv-baseline"] = "",
    ["all-data"] = "0",
    ["direct-frozen"] = "0",
    ["fresh"] = "",
    ["score"] = "",
    ["document-direct"] = "0",
    ["long-prompt-copies"] = "10",
    ["first-weight"] = "0.5",
    ["third-weight"] = "0.25",
    ["member-suffix"] = "",
};
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || !opts.ContainsKey(args[i][2..]))
    {
        Console.Error.WriteLine($"unknown option {args[i]}; options: {string.Join(", ", opts.Keys.Select(k => "--" + k))}");
        return 2;
    }

    opts[args[i][2..]] = args[i + 1];
}

Audit.FirstWeight = float.Parse(opts["first-weight"], CultureInfo.InvariantCulture);
Audit.ThirdWeight = float.Parse(opts["third-weight"], CultureInfo.InvariantCulture);
if (opts["score"].Length > 0)
{
    return Audit.Score(opts["score"], opts["model-dir"]);
}

if (opts["audit"].Length > 0)
{
    return Audit.Run(opts["audit"], opts["model-dir"]);
}

// Stop 22: `--fresh DIR` builds the blind test sets from a folder of emails, documents and attacks (tests/data/screening/fresh22)
// the same way as the held-out sets, writes them to --eval-dir and stops (no training, no scoring).
if (opts["fresh"].Length > 0)
{
    return FreshSets.Write(opts["fresh"], opts["eval-dir"]);
}

var sets = EvalSets.Load(opts["data"], opts["benign"], opts["benign-docs"], opts["documents"], opts["long-documents"], opts["benign-extra"], opts["extra-documents"], opts["extra-attacks"]);

// Round 11: `--all-data 1` fits the chosen configuration on all the tuning data (no held-out split is left).
// Round 12: `--all-data indirect` does the same for the indirect material only (deepset and benign lines keep their splits).
if (opts["direct-frozen"] == "1" && opts["all-data"] != "indirect")
{
    Console.Error.WriteLine("--direct-frozen 1 needs --all-data indirect");
    return 2;
}

switch (opts["all-data"])
{
    case "0":
        break;
    case "1":
        sets.MergeHoldoutIntoTraining();
        CrossValidation.IncludeHeldOutCategories();
        break;
    case "indirect":
        // Round 13: `--direct-frozen 1` keeps the direct head on round 7's material (the moved texts are skipped by it).
        sets.MergeIndirectHoldoutIntoTraining(opts["direct-frozen"] == "1" ? HeadTraining.DirectExcluded : null);
        CrossValidation.IncludeHeldOutCategories();
        break;
    default:
        Console.Error.WriteLine($"--all-data takes 0, 1 or indirect, not {opts["all-data"]}");
        return 2;
}
Console.WriteLine($"deepset train={sets.DeepsetTrain.Count} holdout={sets.DeepsetHoldout.Count}; benign train={sets.BenignTrain.Count} holdout={sets.BenignHoldout.Count}; "
    + $"benign docs train={sets.BenignDocsTrain.Count} holdout={sets.BenignDocsHoldout.Count}; "
    + $"documents train={sets.DocumentsTrain.Count} holdout={sets.DocumentsHoldout.Count}; contexts train={sets.ContextsTrain.Count} holdout={sets.ContextsHoldout.Count}; attacks train={sets.AttacksTrain.Count} holdout={sets.AttacksHoldout.Count}; my attacks (training only)={sets.ExtraAttacks.Count}");

var l1 = float.Parse(opts["l1"], CultureInfo.InvariantCulture);
var l2 = float.Parse(opts["l2"], CultureInfo.InvariantCulture);
var targetFpr = double.Parse(opts["target-fpr"], CultureInfo.InvariantCulture);
var combinerL2 = double.Parse(opts["combiner-l2"], CultureInfo.InvariantCulture);
var ml = new MLContext(seed: 7);
HeadTraining.Indirect = (
    opts["indirect-l1"].Length > 0 ? float.Parse(opts["indirect-l1"], CultureInfo.InvariantCulture) : null,
    opts["indirect-l2"].Length > 0 ? float.Parse(opts["indirect-l2"], CultureInfo.InvariantCulture) : null);
HeadTraining.MyAttackWeight = float.Parse(opts["extra-attack-weight"], CultureInfo.InvariantCulture);
HeadTraining.IndirectDeepsetWeight = float.Parse(opts["indirect-deepset-weight"], CultureInfo.InvariantCulture);
HeadTraining.IndirectBenignWeight = float.Parse(opts["indirect-benign-weight"], CultureInfo.InvariantCulture);
HeadTraining.BenignWeight = float.Parse(opts["benign-weight"], CultureInfo.InvariantCulture);
CrossValidation.DirectInDocuments = float.Parse(opts["direct-in-documents"], CultureInfo.InvariantCulture);
CrossValidation.DocumentDirect = opts["document-direct"] == "1";
CrossValidation.LongPromptCopies = int.Parse(opts["long-prompt-copies"], CultureInfo.InvariantCulture);

CrossValidation.Mask = opts["mask"].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();

// Round 8's voice features are the last combiner segment inputs; without `--voice-features 1` they are masked, so the combiner
// gets no weight for them and is saved in the earlier format (the defaults still reproduce round 4's files byte for byte).
if (opts["voice-features"] != "1")
{
    CrossValidation.Mask = [.. CrossValidation.Mask, .. Enumerable.Range(2 + DiscourseFeatures.VoiceAt, DiscourseFeatures.VoiceCount)];
}

// Round 10's long-document position inputs: with `--long-position 1` they replace the first/last-segment inputs (5, 6, masked);
// without it they are masked, so the combiner is saved in the earlier format and earlier files are reproduced.
CrossValidation.Mask = opts["long-position"] == "1"
    ? [.. CrossValidation.Mask, 2 + 3, 2 + 4]
    : [.. CrossValidation.Mask, .. Enumerable.Range(2 + DiscourseFeatures.PositionAt, DiscourseFeatures.PositionCount)];

// 0. Round 9: repeated grouped cross-validation with seeded fold assignments (`--cv-repeats R`), for judging a change.
var repeats = int.Parse(opts["cv-repeats"], CultureInfo.InvariantCulture);
if (repeats > 0)
{
    RepeatedCrossValidation.Run(ml, sets, l1, l2, targetFpr, combinerL2, repeats, int.Parse(opts["cv-folds"], CultureInfo.InvariantCulture),
        int.Parse(opts["cv-seed"], CultureInfo.InvariantCulture), opts["cv-out"], opts["cv-baseline"]);
}

// 1. Out-of-fold segment inputs (grouped cross-validation inside the training split) train and calibrate the
//    document combiner, and estimate how the detector does on unseen emails and unseen attack categories.
var oof = CrossValidation.OutOfFold(ml, sets, l1, l2, targetFpr);
CrossValidation.Report(oof, combinerL2, targetFpr);
var combiner = CrossValidation.FitCombiner(oof, combinerL2, targetFpr);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"combiner: segment [{string.Join(", ", combiner.SegmentWeights.ToArray().Select(w => w.ToString("F3", CultureInfo.InvariantCulture)))}] bias {combiner.SegmentBias:F3}; "
    + $"document [{string.Join(", ", combiner.DocumentWeights.ToArray().Select(w => w.ToString("F3", CultureInfo.InvariantCulture)))}] bias {combiner.DocumentBias:F3}; offset {combiner.Offset:F3}"));
if (Environment.GetEnvironmentVariable("WARDEN_TRAIN_CV_ONLY") == "1")
{
    return 0; // tuning runs of the indirect cross-validation: no shipped heads, no model files
}

// 2. The shipped heads are trained on the whole training split.
var all = new TrainingSlice(sets.DeepsetTrain, sets.BenignTrain, sets.BenignDocsTrain, sets.ContextsTrain, sets.DocumentsTrain, sets.AttacksTrain, sets.ExtraAttacks);
var (directModel, indirectModel) = HeadTraining.Train(ml, all, l1, l2, targetFpr);
var inSampleOffset = directModel.Offset;
var (oofOffset, directFolds) = HeadTraining.OutOfFoldDirect(ml, all, l1, l2, targetFpr);
directModel = directModel.WithOffset(oofOffset);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"direct offset: out-of-fold {directModel.Offset:F3} (in-sample would be {inSampleOffset:F3})"));
BenignCrossValidation.Report(directFolds, oofOffset, indirectModel, combiner, sets.BenignExtraIds);
var modelDir = opts["model-dir"];
Directory.CreateDirectory(modelDir);
// Stop 23: `--member-suffix -b` writes the indirect head and the combiner as the second pair (SecondOpinion) and leaves the direct head alone.
var suffix = opts["member-suffix"];
if (suffix.Length == 0)
{
    Trainer.Save(directModel, Path.Combine(modelDir, LinearTextModel.DirectHead + ".bin"));
}

Trainer.Save(indirectModel, Path.Combine(modelDir, LinearTextModel.IndirectHead + suffix + ".bin"));
using (var file = File.Create(Path.Combine(modelDir, DocumentCombiner.Head + suffix + ".bin")))
{
    combiner.Save(file);
}

// Held-out and training evaluation sets, in the scorer's format.
var dir = opts["eval-dir"];
var indirectHoldout = EvalSets.Indirect("ih", sets.ContextsHoldout, sets.AttacksHoldout, 3);
var indirectTrain = EvalSets.Indirect("it", sets.ContextsTrain, sets.AttacksTrain, 1);
var mixedHoldout = EvalSets.Indirect("mh", sets.ContextsHoldout.Concat(sets.DocumentsHoldout).ToList(), sets.AttacksHoldout, 3);
EvalSets.WriteJsonl(Path.Combine(dir, "deepset_train.jsonl"), sets.DeepsetTrain);
EvalSets.WriteJsonl(Path.Combine(dir, "benign_train.jsonl"), sets.BenignTrain);
EvalSets.WriteJsonl(Path.Combine(dir, "indirect_train.jsonl"), indirectTrain);
if (!sets.AllData)
{
    // With `--all-data 1` there is no held-out split: nothing is written that could pass for one.
    EvalSets.WriteJsonl(Path.Combine(dir, "deepset_holdout.jsonl"), sets.DeepsetHoldout);
    EvalSets.WriteJsonl(Path.Combine(dir, "benign_holdout.jsonl"), sets.BenignHoldout);
}

if (!sets.IndirectAllData)
{
    // Likewise with `--all-data indirect` for the indirect held-out sets.
    EvalSets.WriteJsonl(Path.Combine(dir, "benign_docs_holdout.jsonl"), sets.BenignDocsHoldout);
    EvalSets.WriteJsonl(Path.Combine(dir, "indirect_holdout.jsonl"), indirectHoldout);
    EvalSets.WriteJsonl(Path.Combine(dir, "indirect_mixed_holdout.jsonl"), mixedHoldout);
}

var detector = new InjectionDetector(null, directModel, indirectModel, combiner);
var classifierOnly = new InjectionDetector(new InjectionDetectorOptions { UseRules = false }, directModel, indirectModel, combiner);
var rulesOnly = new InjectionDetector(new InjectionDetectorOptions { UseClassifier = false }, directModel, indirectModel, combiner);
// WARDEN_TRAIN_SKIP_HOLDOUT=1 scores the training split only (for tuning runs: the held-out sets stay unseen).
var skipHoldout = Environment.GetEnvironmentVariable("WARDEN_TRAIN_SKIP_HOLDOUT") == "1" || sets.AllData;
foreach (var (name, rows) in new[]
{
    ("deepset_train", sets.DeepsetTrain), ("deepset_holdout", sets.DeepsetHoldout),
    ("indirect_train", indirectTrain), ("indirect_holdout", indirectHoldout), ("indirect_mixed_hold", mixedHoldout),
    ("benign_train", sets.BenignTrain), ("benign_holdout", sets.BenignHoldout), ("benign_docs_hold", sets.BenignDocsHoldout),
    ("benign_all", sets.BenignTrain.Concat(sets.BenignHoldout).ToList()),
})
{
    if (skipHoldout && (name.Contains("hold", StringComparison.Ordinal) || name == "benign_all"))
    {
        continue;
    }

    if (sets.IndirectAllData && name is "indirect_holdout" or "indirect_mixed_hold" or "benign_docs_hold")
    {
        continue; // merged into training: there is no such held-out set
    }

    Console.WriteLine($"{name,-18} full: {Metrics.Summary(detector, rows)}");
    Console.WriteLine($"{name,-18} clf : {Metrics.Summary(classifierOnly, rows)}");
    Console.WriteLine($"{name,-18} rule: {Metrics.Summary(rulesOnly, rows)}");
}

// Diagnostics read the training split only: the held-out sets are scored above, never inspected.
if (Environment.GetEnvironmentVariable("WARDEN_TRAIN_DEBUG") == "1")
{
    Console.WriteLine("flagged benign lines (training split):");
    foreach (var (id, text, _) in sets.BenignTrain.Concat(sets.BenignDocsTrain))
    {
        var a = detector.Assess(text);
        if (a.Detected)
        {
            Console.WriteLine($"  {id} {a.Score:F2} [{string.Join(",", a.Signals.Select(x => $"{x.Id}={x.Score:F2}"))}] {text}");
        }
    }

    Console.WriteLine("highest-scoring clean training documents:");
    foreach (var (id, text, _) in indirectTrain.Where(r => r.Label == 0).Select(r => (r.Id, r.Text, detector.Assess(r.Text).Score)).OrderByDescending(r => r.Score).Take(8))
    {
        var a = detector.Assess(text);
        var sig = a.Signals.FirstOrDefault(x => x.Id == "classifier");
        Console.WriteLine($"  {id} {a.Score:F2} len={text.Length} top: {(sig is null || sig.Offset < 0 ? "-" : text.Substring(sig.Offset, Math.Min(sig.Length, 160)).ReplaceLineEndings(" "))}");
    }
}

return 0;
