using BenchmarkDotNet.Attributes;
using Warden.Core.Detection;
using Warden.Core.Detection.Names;

namespace Warden.Benchmarks.Detection;

/// <summary>
/// Throughput on 64 KB of prompt-like text: structured + secret recognizers, the gazetteer name pass alone, and the whole
/// engine. MB/s = 0.0625 MB / mean time. Run: dotnet run -c Release --project bench/Warden.Benchmarks -- --filter '*DetectionBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class DetectionBenchmarks
{
    private DetectionEngine _structured = null!;
    private DetectionEngine _full = null!;
    private NamedEntityRecognizer _names = null!;
    private string _text = "";

    [GlobalSetup]
    public void Setup()
    {
        _structured = new DetectionEngine(new DetectionOptions { NamedEntities = false });
        _full = new DetectionEngine();
        _names = new NamedEntityRecognizer();
        _text = PromptCorpus.Build(64 * 1024);
        _full.Analyze("warm up John Smith in Paris");
    }

    [Benchmark(Description = "structured+secrets 64KB")]
    public int StructuredAndSecrets() => _structured.Analyze(_text).Count;

    [Benchmark(Description = "names (gazetteer) 64KB")]
    public int Names()
    {
        var results = new List<Finding>();
        _names.Analyze(_text, results);
        return results.Count;
    }

    [Benchmark(Description = "full engine 64KB")]
    public int Full() => _full.Analyze(_text).Count;
}

/// <summary>Cost against input size (1 KB … 10 MB): time per byte should stay flat.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class DetectionLinearityBenchmarks
{
    private DetectionEngine _full = null!;
    private string _text = "";

    [Params(1_024, 102_400, 1_048_576, 10_485_760)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _full = new DetectionEngine();
        _text = PromptCorpus.Build(Size);
    }

    [Benchmark]
    public int Full() => _full.Analyze(_text).Count;
}

/// <summary>Structured + secret recognizers (no names) against input size (1 KB … 10 MB): time per byte should stay flat.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class StructuredLinearityBenchmarks
{
    private DetectionEngine _structured = null!;
    private string _text = "";

    [Params(1_024, 102_400, 1_048_576, 10_485_760)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _structured = new DetectionEngine(new DetectionOptions { NamedEntities = false });
        _text = PromptCorpus.Build(Size);
    }

    [Benchmark]
    public int Structured() => _structured.Analyze(_text).Count;
}

/// <summary>1 MB adversarial inputs through the structured + secret recognizers: must stay near 1 MB of prose.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class StructuredAdversarialBenchmarks
{
    private DetectionEngine _structured = null!;
    private string _text = "";

    [Params("at", "digits", "dots", "brackets", "pem", "assign", "dashes", "colons")]
    public string Kind { get; set; } = "at";

    [GlobalSetup]
    public void Setup()
    {
        _structured = new DetectionEngine(new DetectionOptions { NamedEntities = false });
        _text = PromptCorpus.Adversarial(Kind, 1_048_576);
    }

    [Benchmark]
    public int Structured() => _structured.Analyze(_text).Count;
}

/// <summary>1 MB adversarial inputs through the whole engine: must stay in the same time range as 1 MB of prose.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class DetectionAdversarialBenchmarks
{
    private DetectionEngine _full = null!;
    private string _text = "";

    [Params("at", "digits", "dots", "brackets")]
    public string Kind { get; set; } = "at";

    [GlobalSetup]
    public void Setup()
    {
        _full = new DetectionEngine();
        _text = PromptCorpus.Adversarial(Kind, 1_048_576);
    }

    [Benchmark]
    public int Full() => _full.Analyze(_text).Count;
}
