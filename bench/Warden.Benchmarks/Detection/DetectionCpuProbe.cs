using System.Diagnostics;
using Warden.Core.Detection;

namespace Warden.Benchmarks.Detection;

/// <summary>
/// CPU-time probe for the structured + secret recognizers: on a shared, loaded machine wall-clock benchmarks mostly
/// measure the queue for a core, so this reports MB per CPU-second of this process (single-threaded work; run with
/// DOTNET_TieredCompilation=0 so no background JIT is counted) and bytes allocated per call.
/// Run: DOTNET_TieredCompilation=0 dotnet bench/Warden.Benchmarks/bin/Release/net10.0/Warden.Benchmarks.dll detection-cpu
/// The gateway runs with the default runtime settings (tiered compilation with dynamic PGO): without the variable the probe
/// first warms every path up (<see cref="WarmUp"/>) until Tier-1 code built from the collected profile runs, and reports
/// the JIT time spent during each measurement (0 = steady state).
/// </summary>
internal static class DetectionCpuProbe
{
    /// <param name="promptOnly">Only the prompt-text sizes (<c>detection-cpu prompt</c>).</param>
    public static void Run(bool promptOnly = false)
    {
        var engine = new DetectionEngine(new DetectionOptions { NamedEntities = false });
        WarmUp(engine, promptOnly);
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        PrintHeader();
        var hostAfter1K = "";
        foreach (var size in new[] { 1_024, 65_536, 102_400, 1_048_576, 10_485_760 })
        {
            Measure(engine, $"prompt text {size / 1024} KB", PromptCorpus.Build(size));
            if (size == 1_024)
            {
                // Right after the 1 KB row: whether the host was in a slow phase then (see HostReference).
                hostAfter1K = HostReference.Describe(PromptCorpus.Build(1_024));
            }
        }

        Console.WriteLine(hostAfter1K);

        foreach (var kind in promptOnly ? [] : new[] { "at", "digits", "dots", "brackets", "assign", "dashes", "colons", "pem" })
        {
            Measure(engine, $"adversarial {kind} 1 MB", PromptCorpus.Adversarial(kind, 1_048_576));
        }

        PrintPeakMemory();
    }

    /// <summary>
    /// The A/B round (<c>detection-cpu ab</c>): prompt text of 100 KB, 1 MB and 10 MB only, about one CPU-second each, after
    /// a warm-up on prompt text; then the peak resident memory of the whole process. Short enough to alternate two builds
    /// several times on the loaded machine.
    /// </summary>
    public static void RunAb()
    {
        var engine = new DetectionEngine(new DetectionOptions { NamedEntities = false });
        WarmUp(engine, promptOnly: true);
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        PrintHeader();
        foreach (var size in new[] { 102_400, 1_048_576, 10_485_760 })
        {
            Measure(engine, $"prompt text {size / 1024} KB", PromptCorpus.Build(size), budgetMs: 1000);
        }

        PrintPeakMemory();
    }

    private static void PrintHeader()
    {
        Console.WriteLine("| input | chars | CPU ms per call | MB per CPU-second | ns per char | allocated per call | bytes per char | findings | JIT ms during | kernel CPU ms per call | GCs during (gen0/1/2) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    }

    /// <summary>Peak resident set of the whole process (VmHWM), the figure the 250 MB limit is about.</summary>
    private static void PrintPeakMemory()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        Console.WriteLine($"peak resident memory (VmHWM): {line?["VmHWM:".Length..].Trim()}");
    }

    /// <summary>
    /// CPU time of each structured/secret recognizer alone (the engine's filtering and overlap resolution are the rest):
    /// <c>detection-cpu recognizers [input ...]</c>, inputs "prompt" (1 MB of prompt text), "prompt1k" (1 KB of prompt text,
    /// 100 calls per timed call: the per-call cost of small prompts) or an adversarial kind.
    /// </summary>
    public static void RunPerRecognizer(string[] inputs)
    {
        var engine = new DetectionEngine(new DetectionOptions { NamedEntities = false });
        WarmUp(engine, promptOnly: false);
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var input in inputs.Length == 0 ? ["prompt"] : inputs)
        {
            var text = input switch
            {
                "prompt" => PromptCorpus.Build(1_048_576),
                "prompt1k" => PromptCorpus.Build(1_024),
                _ => PromptCorpus.Adversarial(input, 1_048_576),
            };
            var repeat = text.Length < 65_536 ? 100 : 1;
            Console.WriteLine($"{input} {text.Length:N0} characters (CPU ms per call: per {repeat} calls):");
            Console.WriteLine("| recognizer | CPU ms per call | MB per CPU-second | findings |");
            Console.WriteLine("|---|---:|---:|---:|");
            var total = 0.0;
            foreach (var r in engine.Recognizers)
            {
                var results = new List<Finding>();
                var ms = CpuMsPerCall(() =>
                {
                    for (var i = 0; i < repeat; i++)
                    {
                        results.Clear();
                        r.Analyze(text, results);
                    }
                });
                total += ms;
                Console.WriteLine($"| {r.Name} | {ms:F3} | {repeat * text.Length / 1_048_576.0 / (ms / 1000):F1} | {results.Count} |");
            }

            var all = CpuMsPerCall(() =>
            {
                for (var i = 0; i < repeat; i++)
                {
                    engine.Analyze(text);
                }
            });
            Console.WriteLine($"| sum of recognizers | {total:F3} | {repeat * text.Length / 1_048_576.0 / (total / 1000):F1} | |");
            Console.WriteLine($"| engine (recognizers + filter + overlaps) | {all:F3} | {repeat * text.Length / 1_048_576.0 / (all / 1000):F1} | |");
        }
    }

    /// <summary>
    /// Runs every path (prompt text, each adversarial input, each recognizer alone) about 200 times on 64 K characters, then
    /// waits for the background JIT: with tiered compilation on, methods are promoted to instrumented and then to optimized
    /// Tier-1 code only after 30 calls each and a delay, so measuring earlier would time Tier-0 code and the JIT itself.
    /// With <c>DOTNET_TieredCompilation=0</c> this only costs a few seconds.
    /// </summary>
    internal static void WarmUp(DetectionEngine engine, bool promptOnly)
    {
        var tiered = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") != "0";
        var mode = tiered ? "default runtime settings (tiered compilation, dynamic PGO)" : "TieredCompilation=0 (full JIT, no dynamic PGO)";
        var texts = new List<string> { PromptCorpus.Build(65_536), PromptCorpus.Build(1_024) };
        if (!promptOnly)
        {
            texts.AddRange(new[] { "at", "digits", "dots", "brackets", "assign", "dashes", "colons", "pem" }.Select(k => PromptCorpus.Adversarial(k, 65_536)));
        }

        var jit = System.Runtime.JitInfo.GetCompilationTime();
        var results = new List<Finding>();
        // Until a whole pass compiles (almost) nothing more: promotions come in waves (instrumented tier, then Tier-1, then
        // methods inlined differently), each after 30 calls and a delay. Without tiering everything is compiled once: one
        // short pass.
        for (var pass = 0; pass < (tiered ? 12 : 1); pass++)
        {
            var passJit = System.Runtime.JitInfo.GetCompilationTime();
            for (var i = 0; i < (!tiered ? 3 : pass == 0 ? 200 : 60); i++)
            {
                foreach (var t in texts)
                {
                    engine.Analyze(t);
                }

                foreach (var r in promptOnly ? [] : engine.Recognizers)
                {
                    results.Clear();
                    r.Analyze(texts[0], results);
                }
            }

            if (!tiered)
            {
                break;
            }

            Thread.Sleep(1_000);
            if (pass >= 2 && (System.Runtime.JitInfo.GetCompilationTime() - passJit).TotalMilliseconds < 5)
            {
                break;
            }
        }

        Console.WriteLine($"runtime: {mode}; warm-up JIT time {(System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMilliseconds:F0} ms");
    }

    /// <summary>
    /// With tiered compilation on, a larger input still triggers promotions the warm-up did not (on-stack replacement of long
    /// loops, methods that small inputs barely call), and the background JIT is CPU time of this process: repeat the call,
    /// sleeping between rounds so the JIT thread gets a core on the loaded machine, until a round compiles nothing.
    /// </summary>
    private static void SteadyState(Action call)
    {
        if (Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") == "0")
        {
            return;
        }

        var process = Process.GetCurrentProcess();
        for (var round = 0; round < 20; round++)
        {
            var jit = System.Runtime.JitInfo.GetCompilationTime();
            var before = CpuMs(process);
            do
            {
                call();
            }
            while (CpuMs(process) - before < 300);

            Thread.Sleep(300);
            if (round >= 1 && (System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMilliseconds < 0.5)
            {
                return;
            }
        }
    }

    /// <summary>CPU ms per call: minimum of five rounds of about 500 ms each (after <see cref="SteadyState"/>).</summary>
    internal static double CpuMsPerCall(Action call)
    {
        var process = Process.GetCurrentProcess();
        call();
        SteadyState(call);
        var probe = CpuMs(process);
        call();
        var one = Math.Max(0.01, CpuMs(process) - probe);
        var calls = (int)Math.Clamp(500 / one, 3, 5000);
        var best = double.MaxValue;
        // Minimum of five rounds: the machine is shared, the minimum is the least disturbed.
        for (var round = 0; round < 5; round++)
        {
            var before = CpuMs(process);
            for (var i = 0; i < calls; i++)
            {
                call();
            }

            best = Math.Min(best, (CpuMs(process) - before) / calls);
        }

        return best;
    }

    private static void Measure(DetectionEngine engine, string label, string text, double budgetMs = 2000)
    {
        var count = engine.Analyze(text).Count;
        SteadyState(() => engine.Analyze(text));
        // Enough calls for about budgetMs of CPU time in total, at least 1. (Up to 2026-11-27 at most 5,000 calls: a 1 KB
        // text, about 10 µs a call, was timed over only 50–80 ms of CPU, far more exposed to a burst of load than the rest.)
        var process = Process.GetCurrentProcess();
        var probe = CpuMs(process);
        engine.Analyze(text);
        var one = Math.Max(0.01, CpuMs(process) - probe);
        var calls = (int)Math.Clamp(budgetMs / one, 1, 200_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var jit = System.Runtime.JitInfo.GetCompilationTime();
        int[] gcs = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var kernel = process.PrivilegedProcessorTime.TotalMilliseconds;
        var before = CpuMs(process);
        for (var i = 0; i < calls; i++)
        {
            engine.Analyze(text);
        }

        var ms = (CpuMs(process) - before) / calls;
        var kernelMs = (process.PrivilegedProcessorTime.TotalMilliseconds - kernel) / calls;
        var gcsDuring = string.Join("/", gcs.Select((count, generation) => GC.CollectionCount(generation) - count));
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / calls;
        var mb = text.Length / 1_048_576.0;
        Console.WriteLine($"| {label} | {text.Length:N0} | {ms:F3} | {mb / (ms / 1000):F1} | {ms * 1e6 / text.Length:F1} | {bytes:N0} B | {(double)bytes / text.Length:F2} | {count} | {(System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMilliseconds:F1} | {kernelMs:F2} | {gcsDuring} |");
    }

    internal static double CpuMs(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime.TotalMilliseconds;
    }
}
