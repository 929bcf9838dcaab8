using System.Text.Json.Nodes;

namespace Warden.Screening.Train;

/// <summary>
/// The blind test sets of stop 22 (`--fresh DIR`): clean emails, clean documents and attacks written by a helper that never ran
/// a detector on them (tests/data/screening/fresh22/README.md), combined exactly as the held-out sets are
/// (<see cref="EvalSets.Indirect"/>: every context × attack at the start, the middle and the end; clean contexts and
/// two-context threads as negatives). Nothing here trains or tunes anything.
/// </summary>
internal static class FreshSets
{
    public static int Write(string dir, string evalDir)
    {
        var emails = Texts(Path.Combine(dir, "emails.jsonl"));
        var documents = Texts(Path.Combine(dir, "documents.jsonl"));
        var attacks = Texts(Path.Combine(dir, "attacks.jsonl"));
        var sets = new[]
        {
            ("fresh_emails", EvalSets.Indirect("fe", emails, attacks, 3)),
            ("fresh_documents", EvalSets.Indirect("fd", documents, attacks, 3)),
            ("fresh_mixed", EvalSets.Indirect("fm", [.. emails, .. documents], attacks, 3)),
        };
        foreach (var (name, rows) in sets)
        {
            var path = Path.Combine(evalDir, name + ".jsonl");
            EvalSets.WriteJsonl(path, rows);
            Console.WriteLine($"wrote {path}: {rows.Count(r => r.Label == 1)} positive, {rows.Count(r => r.Label == 0)} negative");
        }

        return 0;
    }

    private static List<string> Texts(string path) =>
        [.. File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => JsonNode.Parse(l)!["text"]!.GetValue<string>())];
}
