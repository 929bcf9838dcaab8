using System.Text.Json;

namespace Warden.Benchmarks.Detection;

/// <summary>
/// The prompt-corpus texts of the findings-identity check (<c>bench/detection-identity.sh</c>) as <c>{"id","text"}</c> lines:
/// 150 seeds of 1 KB and of 4 KB, 8 seeds of 64 KB, and every adversarial kind at 20,000 characters (316 lines).
/// Run: <c>dotnet Warden.Benchmarks.dll detection-cpu corpus-jsonl FILE</c>.
/// </summary>
internal static class PromptCorpusJsonl
{
    private static readonly string[] AdversarialKinds = ["at", "digits", "dots", "brackets", "pem", "assign", "dashes", "colons"];

    public static void Write(string path)
    {
        using var stream = File.Create(path);
        var id = 0;
        foreach (var size in new[] { 1_024, 4_096, 65_536 })
        {
            for (var seed = 1; seed <= (size == 65_536 ? 8 : 150); seed++)
            {
                WriteLine(stream, id++, PromptCorpus.Build(size, seed));
            }
        }

        foreach (var kind in AdversarialKinds)
        {
            WriteLine(stream, id++, PromptCorpus.Adversarial(kind, 20_000));
        }
    }

    private static void WriteLine(Stream stream, int id, string text)
    {
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("text", text);
            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
    }
}
