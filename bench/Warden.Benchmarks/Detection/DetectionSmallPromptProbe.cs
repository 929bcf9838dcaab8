using System.Diagnostics;
using Warden.Core.Detection;

namespace Warden.Benchmarks.Detection;

/// <summary>
/// The engine on the probe's 1 KB prompt text with a warm-up on that text alone (dynamic PGO then profiles what a gateway
/// that sees small prompts runs; <c>detection-cpu prompt</c> warms up on every size first): <c>detection-cpu small
/// [warm-up seconds] [rounds]</c>, each round 200,000 calls timed by this thread's and the process's CPU clocks (<see cref="CpuClock"/>).
/// </summary>
internal static class DetectionSmallPromptProbe
{
    private const int Calls = 200_000;

    /// <param name="mixed">First the warm-up of <c>detection-cpu prompt</c> (64 KB and 1 KB texts, equal call counts), then
    /// the 1 KB-only warm-up: shows what the mixed profile does to the 1 KB call.</param>
    public static void Run(double warmUpSeconds, int rounds, bool mixed = false)
    {
        var engine = new DetectionEngine(new DetectionOptions { NamedEntities = false });
        var text = PromptCorpus.Build(1_024);
        if (mixed)
        {
            DetectionCpuProbe.WarmUp(engine, promptOnly: true);
        }

        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < warmUpSeconds)
        {
            engine.Analyze(text);
        }

        Thread.Sleep(500);
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"methods compiled so far: {System.Runtime.JitInfo.GetCompiledMethodCount()}");
        Console.WriteLine("| round | MiB per thread-CPU-second | MiB per process-CPU-second | gen0 GCs | methods compiled during | JIT ms during |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        for (var r = 1; r <= rounds; r++)
        {
            var thread = CpuClock.ThreadMs();
            var cpu = CpuClock.ProcessMs();
            var gc0 = GC.CollectionCount(0);
            var methods = System.Runtime.JitInfo.GetCompiledMethodCount();
            var jit = System.Runtime.JitInfo.GetCompilationTime();
            for (var i = 0; i < Calls; i++)
            {
                engine.Analyze(text);
            }

            var mib = text.Length * (double)Calls / 1_048_576;
            Console.WriteLine($"| {r} | {mib / ((CpuClock.ThreadMs() - thread) / 1000):F1} | {mib / ((CpuClock.ProcessMs() - cpu) / 1000):F1} | {GC.CollectionCount(0) - gc0} | {System.Runtime.JitInfo.GetCompiledMethodCount() - methods} | {(System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMilliseconds:F1} |");
        }

        Console.WriteLine(HostReference.Describe(text));
    }
}
