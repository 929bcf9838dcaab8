using System.Diagnostics;
using Warden.Core.Detection;

namespace Warden.Benchmarks.Detection;

/// <summary>
/// CPU-time probe for the structured + secret recognizers: on a shared, loaded machine wall-clock benchmarks mostly
/// measure the queue for a core, so this reports MB per CPU-second of this process (single-threaded work; run with
/// DOTNET_TieredCompilation=0 so no background JIT is counted) and bytes allocated per call.
/// Run: DOTNET_TieredCompilation=0 dotnet bench/Warden.Benchmarks/bin/Release/net10.0/Warden.Benchmarks.dll detection-cpu
/// </summary>
internal static class DetectionCpuProbe
{
    public static void Run()
    {
        var engine = new DetectionEngine(new DetectionOptions { NamedEntities = false });
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("| input | chars | CPU ms per call | MB per CPU-second | ns per char | allocated per call | bytes per char | findings |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var size in new[] { 1_024, 65_536, 102_400, 1_048_576, 10_485_760 })
        {
            Measure(engine, $"prompt text {size / 1024} KB", PromptCorpus.Build(size));
        }

        foreach (var kind in new[] { "at", "digits", "dots", "brackets", "assign", "dashes", "colons", "pem" })
        {
            Measure(engine, $"adversarial {kind} 1 MB", PromptCorpus.Adversarial(kind, 1_048_576));
        }
    }

    private static void Measure(DetectionEngine engine, string label, string text)
    {
        var count = engine.Analyze(text).Count;
        // Enough calls for about 2 CPU-seconds in total, at least 1.
        var process = Process.GetCurrentProcess();
        var probe = CpuMs(process);
        engine.Analyze(text);
        var one = Math.Max(0.01, CpuMs(process) - probe);
        var calls = (int)Math.Clamp(2000 / one, 1, 5000);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var before = CpuMs(process);
        for (var i = 0; i < calls; i++)
        {
            engine.Analyze(text);
        }

        var ms = (CpuMs(process) - before) / calls;
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / calls;
        var mb = text.Length / 1_048_576.0;
        Console.WriteLine($"| {label} | {text.Length:N0} | {ms:F3} | {mb / (ms / 1000):F1} | {ms * 1e6 / text.Length:F1} | {bytes:N0} B | {(double)bytes / text.Length:F2} | {count} |");
    }

    private static double CpuMs(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime.TotalMilliseconds;
    }
}
