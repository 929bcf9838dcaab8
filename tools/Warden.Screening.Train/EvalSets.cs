using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Core.Screening;

namespace Warden.Screening.Train;

/// <summary>Loads the tuning data and builds the train / held-out splits (deterministic).</summary>
internal sealed class EvalSets
{
    /// <summary>Attack categories never seen in training: the held-out indirect set measures unseen kinds of attack.</summary>
    public static readonly string[] HeldOutCategories = ["Learning and Tutoring", "Homophonic Substitution", "Persuasion", "Malware Distribution"];

    public List<(string Id, string Text, int Label)> DeepsetTrain { get; } = [];
    public List<(string Id, string Text, int Label)> DeepsetHoldout { get; } = [];
    public List<(string Id, string Text, int Label)> BenignTrain { get; } = [];
    public List<(string Id, string Text, int Label)> BenignHoldout { get; } = [];
    public List<(string Id, string Text, int Label)> BenignDocsTrain { get; } = [];
    public List<(string Id, string Text, int Label)> BenignDocsHoldout { get; } = [];
    public List<string> DocumentsTrain { get; } = [];
    public List<string> DocumentsHoldout { get; } = [];
    public List<string> ContextsTrain { get; } = [];
    public List<string> ContextsHoldout { get; } = [];
    public List<string> AttacksTrain { get; } = [];
    public List<string> AttackCategoriesTrain { get; } = [];
    public List<string> AttacksHoldout { get; } = [];

    /// <summary>The category of each held-out attack (parallel to <see cref="AttacksHoldout"/>).</summary>
    public List<string> AttackCategoriesHoldout { get; } = [];

    /// <summary>True after <see cref="MergeHoldoutIntoTraining"/>: there is no held-out split any more.</summary>
    public bool AllData { get; private set; }

    /// <summary>True after <see cref="MergeIndirectHoldoutIntoTraining"/>: there is no indirect held-out split any more.</summary>
    public bool IndirectAllData { get; private set; }

    /// <summary>
    /// Attacks I wrote (`--extra-attacks`, round 8), in categories of my own: training only. They join every
    /// cross-validation fold's training attacks and are never among a fold's unseen attacks, so the CV measures
    /// whether they help on BIPIA categories the heads have not seen.
    /// </summary>
    public List<string> ExtraAttacks { get; } = [];

    /// <summary>Ids of the training-only benign lines (<c>benign_trigger_words_extra.jsonl</c>), reported apart in cross-validation.</summary>
    public HashSet<string> BenignExtraIds { get; } = [];

    public static EvalSets Load(string dataDir, string benignPath, string benignDocsPath, string documentsPath, string longDocumentsPath, string benignExtraPath, string extraDocumentsPath, string extraAttacksPath = "")
    {
        var s = new EvalSets();
        foreach (var path in extraAttacksPath.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var line in File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)))
            {
                s.ExtraAttacks.Add(JsonNode.Parse(line)!["text"]!.GetValue<string>());
            }
        }

        foreach (var r in ReadJsonl(Path.Combine(dataDir, "deepset_prompt_injections_train.jsonl")))
        {
            (Bucket(r.Id, 5) == 0 ? s.DeepsetHoldout : s.DeepsetTrain).Add(r);
        }

        foreach (var r in ReadJsonl(benignPath))
        {
            (Bucket(r.Id, 4) == 0 ? s.BenignHoldout : s.BenignTrain).Add(r);
        }

        foreach (var r in ReadJsonl(benignDocsPath))
        {
            (Bucket(r.Id, 4) == 0 ? s.BenignDocsHoldout : s.BenignDocsTrain).Add(r);
        }

        foreach (var r in ReadJsonl(documentsPath))
        {
            (Bucket(r.Id, 4) == 0 ? s.DocumentsHoldout : s.DocumentsTrain).Add(r.Text);
        }

        // Long documents were written later and are training material only, so the held-out sets stay as they were.
        foreach (var r in ReadJsonl(longDocumentsPath).Concat(extraDocumentsPath.Split(',', StringSplitOptions.RemoveEmptyEntries).SelectMany(ReadJsonl)))
        {
            s.DocumentsTrain.Add(r.Text);
        }

        // Likewise the extra benign trigger-word lines: training only.
        foreach (var r in benignExtraPath.Split(',', StringSplitOptions.RemoveEmptyEntries).SelectMany(ReadJsonl))
        {
            s.BenignTrain.Add(r);
            s.BenignExtraIds.Add(r.Id);
        }

        var k = 0;
        foreach (var line in File.ReadLines(Path.Combine(dataDir, "bipia_train", "email_train.jsonl")))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var context = JsonNode.Parse(line)!["context"]!.GetValue<string>();
            (k++ % 5 == 4 ? s.ContextsHoldout : s.ContextsTrain).Add(context);
        }

        var attacks = JsonNode.Parse(File.ReadAllText(Path.Combine(dataDir, "bipia_train", "text_attack_train.json")))!.AsObject();
        foreach (var (category, list) in attacks)
        {
            foreach (var a in list!.AsArray())
            {
                if (HeldOutCategories.Contains(category))
                {
                    s.AttacksHoldout.Add(a!.GetValue<string>());
                    s.AttackCategoriesHoldout.Add(category);
                }
                else
                {
                    s.AttacksTrain.Add(a!.GetValue<string>());
                    s.AttackCategoriesTrain.Add(category);
                }
            }
        }

        return s;
    }

    /// <summary>
    /// Round 11 (`--all-data 1`): every held-out split joins its training split, so the shipped model is fitted on all the
    /// tuning data once model selection is over. The held-out sets are then training data and are neither written nor scored.
    /// </summary>
    public void MergeHoldoutIntoTraining()
    {
        DeepsetTrain.AddRange(DeepsetHoldout);
        BenignTrain.AddRange(BenignHoldout);
        DeepsetHoldout.Clear();
        BenignHoldout.Clear();
        MergeIndirectHoldoutIntoTraining();
        AllData = true;
    }

    /// <summary>
    /// Round 12 (`--all-data indirect`): only the indirect material joins training (BIPIA emails and attacks, my documents
    /// and benign document sentences); deepset and the benign trigger-word lines keep their splits, so those held-out sets
    /// are still written and scored, and no indirect held-out set is (there is none).
    /// </summary>
    public void MergeIndirectHoldoutIntoTraining(HashSet<string>? moved = null)
    {
        // By reference: BIPIA's email file repeats five emails, and the training copy of a repeated one stays direct material.
        moved?.UnionWith(ContextsHoldout.Concat(BenignDocsHoldout.Select(r => r.Text)));
        BenignDocsTrain.AddRange(BenignDocsHoldout);
        DocumentsTrain.AddRange(DocumentsHoldout);
        ContextsTrain.AddRange(ContextsHoldout);
        AttacksTrain.AddRange(AttacksHoldout);
        AttackCategoriesTrain.AddRange(AttackCategoriesHoldout);
        BenignDocsHoldout.Clear();
        DocumentsHoldout.Clear();
        ContextsHoldout.Clear();
        AttacksHoldout.Clear();
        AttackCategoriesHoldout.Clear();
        IndirectAllData = true;
    }

    /// <summary>Inserts <paramref name="attack"/> at the start (0), a middle sentence boundary (1) or the end (2).</summary>
    public static (string Text, int Start) Insert(string context, string attack, int position, bool newline)
    {
        var sep = newline ? "\n" : " ";
        switch (position)
        {
            case 0:
                return (attack + sep + context, 0);
            case 2:
                return (context + sep + attack, context.Length + sep.Length);
            default:
                var mid = context.Length / 2;
                var best = -1;
                for (var i = 0; i < context.Length - 1; i++)
                {
                    if (context[i] is '.' or '!' or '?' or '\n' && char.IsWhiteSpace(context[i + 1]) && (best < 0 || Math.Abs(i - mid) < Math.Abs(best - mid)))
                    {
                        best = i;
                    }
                }

                var at = best < 0 ? mid : best + 1;
                while (at < context.Length && at > 0 && best < 0 && !char.IsWhiteSpace(context[at - 1]))
                {
                    at++;
                }

                return (context[..at] + sep + attack + sep + context[at..], at + sep.Length);
        }
    }

    /// <summary>Indirect documents: every context × attack × position, plus clean contexts and two-email threads.</summary>
    public static List<(string Id, string Text, int Label)> Indirect(string prefix, List<string> contexts, List<string> attacks, int maxPositivePerPair)
    {
        var rows = new List<(string, string, int)>();
        for (var c = 0; c < contexts.Count; c++)
        {
            rows.Add(($"{prefix}-clean-{c}", contexts[c], 0));
            for (var d = 0; d < contexts.Count; d++)
            {
                if (d != c)
                {
                    rows.Add(($"{prefix}-thread-{c}-{d}", contexts[c] + "\n\n" + contexts[d], 0));
                }
            }

            for (var a = 0; a < attacks.Count; a++)
            {
                for (var p = 0; p < 3; p++)
                {
                    if ((c + a + p) % 3 >= maxPositivePerPair)
                    {
                        continue;
                    }

                    rows.Add(($"{prefix}-attack-{c}-{a}-{p}", Insert(contexts[c], attacks[a], p, (c + a) % 2 == 0).Text, 1));
                }
            }
        }

        return rows;
    }

    public static void WriteJsonl(string path, IEnumerable<(string Id, string Text, int Label)> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var w = new StreamWriter(path);
        foreach (var (id, text, label) in rows)
        {
            w.WriteLine(JsonSerializer.Serialize(new JsonObject { ["id"] = id, ["text"] = text, ["label"] = label }));
        }
    }

    private static IEnumerable<(string Id, string Text, int Label)> ReadJsonl(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var o = JsonNode.Parse(line)!;
            yield return (o["id"]!.ToString(), o["text"]!.GetValue<string>(), o["label"]?.GetValue<int>() ?? 0); // clean documents may carry no label
        }
    }

    private static int Bucket(string id, int n)
    {
        var h = 2166136261u;
        foreach (var c in id)
        {
            h = (h ^ c) * 16777619u;
        }

        return (int)(h % (uint)n);
    }

    /// <summary>Inserts <paramref name="attack"/> at the <paramref name="k"/>-th sentence boundary of <paramref name="context"/> (modulo their number).</summary>
    public static (string Text, int Start) InsertAtBoundary(string context, string attack, int k, bool newline)
    {
        var boundaries = new List<int> { 0 };
        for (var i = 0; i < context.Length - 1; i++)
        {
            if (context[i] is '.' or '!' or '?' or '\n' or '|' && char.IsWhiteSpace(context[i + 1]) || context[i] == '|')
            {
                boundaries.Add(i + 1);
            }
        }

        boundaries.Add(context.Length);
        var at = boundaries[k % boundaries.Count];
        var sep = newline ? "\n" : " ";
        return (context[..at] + sep + attack + sep + context[at..], at + sep.Length);
    }

    /// <summary>Segments of <paramref name="text"/> with whether they overlap [start, start+len).</summary>
    public static IEnumerable<(string Segment, bool Overlaps)> Segments(string text, int start, int len)
    {
        var segs = new List<(int Start, int Length)>();
        TextSegments.Split(text, segs);
        foreach (var (s, l) in segs)
        {
            var overlap = Math.Min(s + l, start + len) - Math.Max(s, start);
            yield return (text.Substring(s, l), overlap >= Math.Min(len, l) / 2 && overlap > 0);
        }
    }
}
