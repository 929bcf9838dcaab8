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
    public static int Run(string files, string modelDir)
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

        var detector = new InjectionDetector(null, Head(LinearTextModel.DirectHead), Head(LinearTextModel.IndirectHead), combiner);
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
