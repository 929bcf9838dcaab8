using System.Globalization;
using System.Text.Json.Nodes;
using Warden.Core.Screening;

namespace Warden.Screening.Train;

/// <summary>
/// `--audit FILE[,FILE]`: scores JSONL lines with the model files in `--model-dir` (no training) and prints, per file, the
/// false-positive count at 0.5 and the lines at or above 0.35 with their signals. For my own benign sets only: never
/// point it at a held-out set (the held-out sets are scored by the shared scorer, never inspected).
/// </summary>
internal static class Audit
{
    /// <summary>The detector with the three model files in <paramref name="modelDir"/> (rules and options at their defaults).</summary>
    public static InjectionDetector LoadDetector(string modelDir)
    {
        LinearTextModel Head(string name)
        {
            using var s = File.OpenRead(Path.Combine(modelDir, name + ".bin"));
            return LinearTextModel.Load(s);
        }

        DocumentCombiner combiner;
        using (var s = File.OpenRead(Path.Combine(modelDir, DocumentCombiner.Head + ".bin")))
        {
            combiner = DocumentCombiner.Load(s);
        }

        // Stop 23: a second pair (injection-indirect-b.bin, injection-document-b.bin) in the folder is loaded as the shipped detector
        // loads it; stop 24: so is a third (-c), with `--third-weight` (a folder without one scores as two pairs).
        SecondOpinion? second = null;
        if (File.Exists(Path.Combine(modelDir, SecondOpinion.IndirectHead + ".bin")))
        {
            DocumentCombiner Combiner(string name)
            {
                using var s = File.OpenRead(Path.Combine(modelDir, name + ".bin"));
                return DocumentCombiner.Load(s);
            }

            second = File.Exists(Path.Combine(modelDir, SecondOpinion.ThirdIndirectHead + ".bin"))
                ? new SecondOpinion(Head(SecondOpinion.IndirectHead), Combiner(SecondOpinion.CombinerHead), Head(SecondOpinion.ThirdIndirectHead), Combiner(SecondOpinion.ThirdCombinerHead), FirstWeight, ThirdWeight)
                : new SecondOpinion(Head(SecondOpinion.IndirectHead), Combiner(SecondOpinion.CombinerHead), FirstWeight);
        }

        return new InjectionDetector(null, Head(LinearTextModel.DirectHead), Head(LinearTextModel.IndirectHead), combiner, second);
    }

    /// <summary>The first pair's weight when a folder holds two (`--first-weight`, default the shipped one).</summary>
    public static float FirstWeight { get; set; } = SecondOpinion.DefaultFirstWeight;

    /// <summary>The third pair's weight when a folder holds three (`--third-weight`, default the shipped one).</summary>
    public static float ThirdWeight { get; set; } = SecondOpinion.DefaultThirdWeight;

    /// <summary>
    /// `--score FILE[,FILE]`: the scorer's summary (recall, FPR, AUC, recall at FPR ≤ 5 %) of labelled JSONL files with the model
    /// files in `--model-dir`, for development sets (stop 22: fresh22 after its one blind scoring). Prints no text.
    /// </summary>
    public static int Score(string files, string modelDir)
    {
        var detector = LoadDetector(modelDir);
        foreach (var file in files.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var rows = File.ReadLines(file).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => JsonNode.Parse(l)!)
                .Select(o => (o["id"]!.ToString(), o["text"]!.GetValue<string>(), o["label"]!.GetValue<int>())).ToList();
            var assessed = rows.Select(r => (detector.Assess(r.Item2), r.Item3)).ToList();
            Console.WriteLine($"score {Path.GetFileName(file)}: {Metrics.Summary(assessed)}");

            // WARDEN_TRAIN_DUMP=DIR writes "id<TAB>score" per line (for error analysis of development sets, never a test set).
            var dump = Environment.GetEnvironmentVariable("WARDEN_TRAIN_DUMP");
            if (!string.IsNullOrEmpty(dump))
            {
                File.WriteAllLines(Path.Combine(dump, Path.GetFileNameWithoutExtension(file) + ".scores.tsv"),
                    rows.Select((r, i) => string.Create(CultureInfo.InvariantCulture, $"{r.Item1}\t{assessed[i].Item1.Score:F6}")));
            }
        }

        return 0;
    }

    public static int Run(string files, string modelDir)
    {
        var detector = LoadDetector(modelDir);
        foreach (var file in files.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int flagged = 0, near = 0, total = 0;
            foreach (var line in File.ReadLines(file).Where(l => !string.IsNullOrWhiteSpace(l)))
            {
                var o = JsonNode.Parse(line)!;
                var text = o["text"]!.GetValue<string>();
                var a = detector.Assess(text);
                total++;
                flagged += a.Detected ? 1 : 0;
                if (a.Score >= 0.35 || a.Signals.Any(x => x.Id.StartsWith("rule.", StringComparison.Ordinal)))
                {
                    near++;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {(a.Detected ? "FLAG" : a.Score >= 0.35 ? "near" : "rule")} {o["id"]} {a.Score:F2} [{string.Join(",", a.Signals.Select(x => $"{x.Id}={x.Score:F2}"))}] {text}"));
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"audit {Path.GetFileName(file)}: flagged {flagged}/{total} ({flagged / (double)Math.Max(1, total):F3}), score >= 0.35: {near}"));
        }

        return 0;
    }
}
