using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Warden.Core.Screening;
using Warden.Screening.Train;

// Retrains the injection classifier shipped in Warden.Core. See docs/screening.md.
//   dotnet run -c Release --project tools/Warden.Screening.Train -- --data /work/shared/eval/injection
// Other options (defaults below): --benign, --benign-docs, --documents, --model-dir, --eval-dir, --l1, --l2, --target-fpr.
// WARDEN_TRAIN_DEBUG=1 also prints per-email scores, flagged benign lines and the top segments of held-out emails.
var opts = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["data"] = "/work/shared/eval/injection",
    ["benign"] = "tests/data/screening/benign_trigger_words.jsonl",
    ["benign-docs"] = "tests/data/screening/benign_document_sentences.jsonl",
    ["documents"] = "tests/data/screening/benign_documents.jsonl",
    ["model-dir"] = "src/Warden.Core/Screening/Model",
    ["eval-dir"] = "artifacts/screening-eval",
    ["l1"] = "0.05",
    ["l2"] = "0.3",
    ["target-fpr"] = "0.02",
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

var sets = EvalSets.Load(opts["data"], opts["benign"], opts["benign-docs"], opts["documents"]);
Console.WriteLine($"deepset train={sets.DeepsetTrain.Count} holdout={sets.DeepsetHoldout.Count}; benign train={sets.BenignTrain.Count} holdout={sets.BenignHoldout.Count}; "
    + $"benign docs train={sets.BenignDocsTrain.Count} holdout={sets.BenignDocsHoldout.Count}; "
    + $"documents train={sets.DocumentsTrain.Count} holdout={sets.DocumentsHoldout.Count}; contexts train={sets.ContextsTrain.Count} holdout={sets.ContextsHoldout.Count}; attacks train={sets.AttacksTrain.Count} holdout={sets.AttacksHoldout.Count}");

var l1 = float.Parse(opts["l1"], CultureInfo.InvariantCulture);
var l2 = float.Parse(opts["l2"], CultureInfo.InvariantCulture);
var targetFpr = double.Parse(opts["target-fpr"], CultureInfo.InvariantCulture);
var ml = new MLContext(seed: 7);

// Direct head: deepset prompts vs benign prompts, benign trigger-word text and clean email text.
var direct = new List<TrainingExample>();
foreach (var (_, text, label) in sets.DeepsetTrain)
{
    direct.Add(TrainingExample.From(text, label == 1, 1f));
}

foreach (var (_, text, _) in sets.BenignTrain.Concat(sets.BenignDocsTrain))
{
    direct.Add(TrainingExample.From(text, false, 1.5f));
}

foreach (var context in sets.ContextsTrain)
{
    direct.Add(TrainingExample.From(context, false, 1f));
    direct.AddRange(EvalSets.Segments(context, 0, 0).Select(seg => TrainingExample.From(seg.Segment, false, 0.5f)));
}

var directModel = Trainer.Fit(ml, direct, l1, l2, "direct");

// Indirect head: instructions planted in emails (segments around the inserted attack) vs the emails' own text.
var indirect = new List<TrainingExample>();
foreach (var attack in sets.AttacksTrain)
{
    indirect.Add(TrainingExample.From(attack, true, 1f));
}

foreach (var (_, text, label) in sets.DeepsetTrain.Where(r => r.Label == 1))
{
    indirect.Add(TrainingExample.From(text, true, 0.5f));
}


foreach (var (_, text, _) in sets.BenignDocsTrain)
{
    indirect.Add(TrainingExample.From(text, false, 3f));
}

// Clean documents: the BIPIA training emails and my own documents. Attacks are planted at several sentence
// boundaries of each (start, end and two pseudo-random ones), so position does not matter.
var trainDocs = sets.ContextsTrain.Concat(sets.DocumentsTrain).ToList();
var rng = new Random(11);
for (var c = 0; c < trainDocs.Count; c++)
{
    var context = trainDocs[c];
    indirect.AddRange(EvalSets.Segments(context, 0, 0).Select(seg => TrainingExample.From(seg.Segment, false, 2f)));
    for (var a = 0; a < sets.AttacksTrain.Count; a++)
    {
        var attack = sets.AttacksTrain[a];
        foreach (var k in new[] { 0, -1, rng.Next(1, 1000), rng.Next(1, 1000) })
        {
            var (doc, start) = k < 0 ? EvalSets.Insert(context, attack, 2, (c + a) % 2 == 0) : EvalSets.InsertAtBoundary(context, attack, k, (c + a + k) % 2 == 0);
            foreach (var (seg, overlaps) in EvalSets.Segments(doc, start, attack.Length))
            {
                if (overlaps)
                {
                    indirect.Add(TrainingExample.From(seg, true, 0.1f));
                }
            }
        }
    }
}

var indirectModel = Trainer.Fit(ml, indirect, l1, l2, "indirect");

// Calibrate each head so the default threshold 0.5 sits where `target-fpr` of its training negatives score higher.
var directNeg = sets.DeepsetTrain.Where(r => r.Label == 0).Select(r => r.Text).Concat(sets.BenignTrain.Select(r => r.Text))
    .Concat(EvalSets.Indirect("t", sets.ContextsTrain, [], 0).Select(r => r.Text)).ToList();
var directOffset = Trainer.Offset(t => MaxDirectLogit(directModel, t), directNeg, targetFpr);
var indirectNeg = EvalSets.Indirect("t", trainDocs, [], 0).Select(r => r.Text).ToList();
var indirectOffset = Trainer.Offset(t => MaxSegmentLogit(indirectModel, t), indirectNeg, targetFpr);
directModel = directModel.WithOffset(directOffset);
indirectModel = indirectModel.WithOffset(indirectOffset);
var modelDir = opts["model-dir"];
Trainer.Save(directModel, Path.Combine(modelDir, LinearTextModel.DirectHead + ".bin"));
Trainer.Save(indirectModel, Path.Combine(modelDir, LinearTextModel.IndirectHead + ".bin"));

// Held-out and training evaluation sets, in the scorer's format.
var dir = opts["eval-dir"];
var indirectHoldout = EvalSets.Indirect("ih", sets.ContextsHoldout, sets.AttacksHoldout, 3);
var indirectTrain = EvalSets.Indirect("it", sets.ContextsTrain, sets.AttacksTrain, 1);
var mixedHoldout = EvalSets.Indirect("mh", sets.ContextsHoldout.Concat(sets.DocumentsHoldout).ToList(), sets.AttacksHoldout, 3);
EvalSets.WriteJsonl(Path.Combine(dir, "deepset_holdout.jsonl"), sets.DeepsetHoldout);
EvalSets.WriteJsonl(Path.Combine(dir, "deepset_train.jsonl"), sets.DeepsetTrain);
EvalSets.WriteJsonl(Path.Combine(dir, "benign_holdout.jsonl"), sets.BenignHoldout);
EvalSets.WriteJsonl(Path.Combine(dir, "benign_train.jsonl"), sets.BenignTrain);
EvalSets.WriteJsonl(Path.Combine(dir, "benign_docs_holdout.jsonl"), sets.BenignDocsHoldout);
EvalSets.WriteJsonl(Path.Combine(dir, "indirect_holdout.jsonl"), indirectHoldout);
EvalSets.WriteJsonl(Path.Combine(dir, "indirect_train.jsonl"), indirectTrain);
EvalSets.WriteJsonl(Path.Combine(dir, "indirect_mixed_holdout.jsonl"), mixedHoldout);

var detector = new InjectionDetector(null, directModel, indirectModel);
var classifierOnly = new InjectionDetector(new InjectionDetectorOptions { UseRules = false }, directModel, indirectModel);
var rulesOnly = new InjectionDetector(new InjectionDetectorOptions { UseClassifier = false }, directModel, indirectModel);
foreach (var (name, rows) in new[]
{
    ("deepset_train", sets.DeepsetTrain), ("deepset_holdout", sets.DeepsetHoldout),
    ("indirect_train", indirectTrain), ("indirect_holdout", indirectHoldout), ("indirect_mixed_hold", mixedHoldout),
    ("benign_train", sets.BenignTrain), ("benign_holdout", sets.BenignHoldout), ("benign_docs_hold", sets.BenignDocsHoldout),
    ("benign_all", sets.BenignTrain.Concat(sets.BenignHoldout).ToList()),
})
{
    Console.WriteLine($"{name,-18} full: {Metrics.Summary(detector, rows)}");
    Console.WriteLine($"{name,-18} clf : {Metrics.Summary(classifierOnly, rows)}");
    Console.WriteLine($"{name,-18} rule: {Metrics.Summary(rulesOnly, rows)}");
}

if (Environment.GetEnvironmentVariable("WARDEN_TRAIN_DEBUG") == "1")
{
    foreach (var ctx in sets.ContextsHoldout.Concat(sets.DocumentsHoldout))
    {
        Console.WriteLine($"  ctx len={ctx.Length} direct={MaxDirectLogit(directModel, ctx) + directModel.Offset:F2} indirect={MaxSegmentLogit(indirectModel, ctx) + indirectModel.Offset:F2} rules={rulesOnly.Assess(ctx).Score:F2} {ctx[..60].ReplaceLineEndings(" ")}");
    }

    Console.WriteLine("flagged benign (held-out and train):");
    foreach (var (id, text, _) in sets.BenignHoldout.Concat(sets.BenignTrain).Concat(sets.BenignDocsHoldout))
    {
        var a = detector.Assess(text);
        if (a.Detected)
        {
            Console.WriteLine($"  {id} {a.Score:F2} [{string.Join(",", a.Signals.Select(x => $"{x.Id}={x.Score:F2}"))}] {text}");
        }
    }

    Console.WriteLine("top segments of held-out clean emails:");
    Debug.TopSegments(directModel, indirectModel, sets.ContextsHoldout.Concat(sets.DocumentsHoldout), 15);
    Console.WriteLine("lowest attacked held-out docs:");
    foreach (var a in sets.AttacksHoldout)
    {
        Console.WriteLine($"  D={directModel.Logit(a):F2} I={indirectModel.Logit(a):F2} {a}");
    }
}

return 0;

static double MaxDirectLogit(LinearTextModel model, string text)
{
    var segments = new List<(int Start, int Length)>();
    TextSegments.Split(text, segments);
    var best = text.Length <= 2000 ? model.Logit(text) : float.NegativeInfinity;
    return segments.Count <= 1 ? best : Math.Max(best, segments.Max(s => model.Logit(text.AsSpan(s.Start, s.Length))));
}

static double MaxSegmentLogit(LinearTextModel model, string text)
{
    var segments = new List<(int Start, int Length)>();
    TextSegments.Split(text, segments);
    var logits = segments.Select(s => model.Logit(text.AsSpan(s.Start, s.Length))).OrderDescending().ToArray();
    return logits.Length == 0 ? double.NegativeInfinity : InjectionDetector.IndirectDocumentLogit(logits[0], logits.Length > 1 ? logits[1] : float.NegativeInfinity);
}

internal static partial class Debug
{
    public static void TopSegments(LinearTextModel direct, LinearTextModel indirect, IEnumerable<string> docs, int top)
    {
        var all = new List<(double D, double I, string Seg)>();
        foreach (var doc in docs.Distinct())
        {
            var segs = new List<(int Start, int Length)>();
            TextSegments.Split(doc, segs);
            foreach (var (s, l) in segs)
            {
                var t = doc.Substring(s, l);
                all.Add((direct.Logit(t), indirect.Logit(t), t));
            }
        }

        foreach (var x in all.OrderByDescending(x => Math.Max(x.D, x.I)).Take(top))
        {
            Console.WriteLine($"  D={x.D:F2} I={x.I:F2} {x.Seg.ReplaceLineEndings(" ")[..Math.Min(140, x.Seg.Length)]}");
        }
    }
}
