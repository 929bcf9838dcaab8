using System.Text;
using BenchmarkDotNet.Attributes;
using Warden.Core.Detection;
using Warden.Core.Detection.Names;

namespace Warden.Benchmarks.Detection;

/// <summary>
/// Name detection alone (PERSON / LOCATION / ORGANIZATION with street addresses) on 64 KB of prompt text: the general
/// prompt corpus, and a name-dense variant where every other paragraph is a letter, signature or meeting note (written
/// for this benchmark, not taken from the eval data). MB/s = 0.0625 MB / mean.
/// Run: dotnet run -c Release --project bench/Warden.Benchmarks -- --filter '*NameDetectionBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
public class NameDetectionBenchmarks
{
    private static readonly string[] NameParagraphs =
    [
        "Hi Priya, thanks for the notes. Tomasz Wieczorek from Northgate Logistics will join the call on Tuesday; please send the agenda to him and to Dr. Helen Carter before noon.\n",
        "Best regards,\nMarcus Lindgren\nSenior Account Manager\nBrightwater Analytics Ltd.\n221 Harbour Street\nGlasgow G2 4JR\nUnited Kingdom\n",
        "The shipment left Rotterdam on Monday and should reach our warehouse at 48 Industrieweg 12, Eindhoven by Friday. Contact Sophie van den Berg if customs asks for the invoice.\n",
        "Minutes: Aisha Rahman (chair), Diego Fernández, Kenji Watanabe and Olga Petrova discussed the Lisbon office move. Action: Diego to compare offers from Atlas Facilities and Meridian Group.\n",
        "Please update my address to 1450 Maple Avenue, Apt. 3B, Springfield, IL 62704. My manager, Rebecca O'Neill, approved the relocation from Denver last week.\n",
    ];

    private NamedEntityRecognizer _names = null!;
    private string _prompts = "";
    private string _dense = "";

    [GlobalSetup]
    public void Setup()
    {
        _names = new NamedEntityRecognizer();
        _prompts = PromptCorpus.Build(64 * 1024);
        var rng = new Random(11);
        var sb = new StringBuilder(64 * 1024 + 1024);
        while (sb.Length < 64 * 1024)
        {
            sb.Append(_prompts, rng.Next(0, 60_000), 400).Append('\n').Append(NameParagraphs[rng.Next(NameParagraphs.Length)]);
        }

        _dense = sb.ToString(0, 64 * 1024);
        Run(_dense);
    }

    [Benchmark(Description = "names, prompt corpus 64KB")]
    public int Prompts() => Run(_prompts);

    [Benchmark(Description = "names, name-dense 64KB")]
    public int Dense() => Run(_dense);

    private int Run(string text)
    {
        var results = new List<Finding>();
        _names.Analyze(text, results);
        return results.Count;
    }
}
