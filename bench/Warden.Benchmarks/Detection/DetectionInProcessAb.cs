using System.Reflection;
using System.Runtime.Loader;

namespace Warden.Benchmarks.Detection;

/// <summary>
/// In-process A/B of two builds of the detection engine: <c>detection-cpu inproc BASE_DIR NEW_DIR [rounds] [size]</c>, where
/// each DIR holds a build's <c>Warden.Core.dll</c> and its dependencies (e.g. a <c>bin/Release/net10.0</c> folder). Each build
/// is loaded into its own <see cref="AssemblyLoadContext"/>, warmed up alike, then timed in short alternated slices (order
/// swapped every round) by this thread's CPU time, so load on the shared machine hits both builds alike; prints each
/// build's median µs per call and the median of the per-round new/base ratios, for the probe's seed-7 text and for 64 seeds
/// (4 above 4 KB) of prompt text of the size given (default 1 KB).
/// </summary>
internal static class DetectionInProcessAb
{
    public static void Run(string baseDir, string newDir, int rounds, int size)
    {
        Func<string, int>[] engines = [Load(baseDir), Load(newDir)];
        var seven = PromptCorpus.Build(size);
        var many = Enumerable.Range(1, size > 4_096 ? 4 : 64).Select(s => PromptCorpus.Build(size, s)).ToArray();
        Console.WriteLine($"findings in the seed-7 text: base {engines[0](seven)}, new {engines[1](seven)}");
        var warm = System.Diagnostics.Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < (size > 4_096 ? 6 : 15))
        {
            foreach (var engine in engines)
            {
                foreach (var text in many)
                {
                    engine(text);
                }
            }
        }

        Thread.Sleep(1_000);
        var calls = Math.Max(1, 200_000 / size);
        foreach (var (name, texts) in new[] { ("seed 7", new[] { seven }), (size > 4_096 ? "4 seeds" : "64 seeds", many) })
        {
            List<double>[] us = [[], []];
            for (var r = 0; r < rounds; r++)
            {
                for (var j = 0; j < 2; j++)
                {
                    var which = r % 2 == 0 ? j : 1 - j;
                    var start = CpuClock.ThreadMs();
                    for (var i = 0; i < calls; i++)
                    {
                        engines[which](texts[i % texts.Length]);
                    }

                    us[which].Add((CpuClock.ThreadMs() - start) * 1_000 / calls);
                }
            }

            var ratios = us[0].Zip(us[1], (b, n) => n / b).ToArray();
            Console.WriteLine($"{name}, {size:N0} chars, {rounds} rounds: base {Median(us[0]):F2} µs per call ({size / 1.048576 / Median(us[0]):F1} MiB per CPU-second), " +
                $"new {Median(us[1]):F2} ({size / 1.048576 / Median(us[1]):F1}); new/base median of per-round ratios {Median(ratios):F3} (range {ratios.Min():F3}–{ratios.Max():F3})");
        }

        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>A build's engine (names off, as in every detection probe) behind a delegate that returns the finding count.</summary>
    internal static Func<string, int> Load(string dir)
    {
        var context = new BuildContext(Path.GetFullPath(dir));
        var core = context.LoadFromAssemblyPath(Path.Combine(Path.GetFullPath(dir), "Warden.Core.dll"));
        var optionsType = core.GetType("Warden.Core.Detection.DetectionOptions", throwOnError: true)!;
        var options = Activator.CreateInstance(optionsType)!;
        optionsType.GetProperty("NamedEntities")!.SetValue(options, false);
        var engineType = core.GetType("Warden.Core.Detection.DetectionEngine", throwOnError: true)!;
        var engine = Activator.CreateInstance(engineType, options, null)!;
        var analyze = engineType.GetMethod("Analyze")!;
        var typed = analyze.CreateDelegate<Func<string, IReadOnlyCollection<string>?, object>>(engine);
        return text => ((System.Collections.ICollection)typed(text, null)).Count;
    }

    /// <summary>Loads a build's own assemblies from its folder; the framework's come from the default context.</summary>
    private sealed class BuildContext(string dir) : AssemblyLoadContext($"build {dir}", isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = Path.Combine(dir, assemblyName.Name + ".dll");
            return File.Exists(path) && !assemblyName.Name!.StartsWith("System.", StringComparison.Ordinal)
                && !assemblyName.Name.StartsWith("Microsoft.", StringComparison.Ordinal) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
