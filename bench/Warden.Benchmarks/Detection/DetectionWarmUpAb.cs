namespace Warden.Benchmarks.Detection;

/// <summary>
/// Does the warm-up decide the 1 KB figure? <c>detection-cpu warmups DIR [rounds] [control]</c> loads one build's
/// <c>Warden.Core</c> twice (each copy in its own <see cref="System.Runtime.Loader.AssemblyLoadContext"/>, so each copy's
/// methods get their own tiering and dynamic-PGO profile; the framework's code is shared), warms copy A up as
/// <c>detection-cpu prompt</c> does (64 KB and 1 KB prompt text, equal call counts) and copy B on the 1 KB text alone (the
/// same characters per pass), passes interleaved with the same sleeps, then times the 1 KB call of both in alternated
/// slices by this thread's CPU clock, so load on the shared machine hits both alike. <c>control</c> warms both copies on
/// the 1 KB text alone: the spread of the ratio when the warm-ups do not differ.
/// </summary>
internal static class DetectionWarmUpAb
{
    public static void Run(string dir, int rounds, bool control)
    {
        Func<string, int>[] copies = [DetectionInProcessAb.Load(dir), DetectionInProcessAb.Load(dir)];
        var small = PromptCorpus.Build(1_024);
        var large = PromptCorpus.Build(65_536);
        var perLarge = large.Length / small.Length;
        for (var pass = 0; pass < 12; pass++)
        {
            var iterations = pass == 0 ? 200 : 60;
            for (var i = 0; i < iterations; i++)
            {
                if (control)
                {
                    Small(copies[0], small, perLarge + 1);
                }
                else
                {
                    copies[0](large);
                    copies[0](small);
                }

                Small(copies[1], small, perLarge + 1);
            }

            Thread.Sleep(1_000);
        }

        Console.WriteLine($"copy A warmed up on {(control ? "1 KB only" : "64 KB + 1 KB (the prompt probe's warm-up)")}, copy B on 1 KB only; findings A {copies[0](small)}, B {copies[1](small)}");
        List<double>[] us = [[], []];
        var reference = new List<double>();
        const int Calls = 2_000;
        for (var r = 0; r < rounds; r++)
        {
            for (var j = 0; j < 2; j++)
            {
                var which = r % 2 == 0 ? j : 1 - j;
                var start = CpuClock.ThreadMs();
                Small(copies[which], small, Calls);
                us[which].Add((CpuClock.ThreadMs() - start) * 1_000 / Calls);
            }

            var t = CpuClock.ThreadMs();
            HostReference.ThroughputBound(small);
            reference.Add((CpuClock.ThreadMs() - t) * 1_000);
        }

        var ratios = us[0].Zip(us[1], (a, b) => a / b).ToArray();
        Console.WriteLine($"host reference (throughput-bound fixed work): median {DetectionInProcessAb.Median(reference):F0} µs per round (range {reference.Min():F0}–{reference.Max():F0}); " +
            $"rank correlation of round times: reference with A {Correlation(reference, us[0]):F2}, with B {Correlation(reference, us[1]):F2}, A with B {Correlation(us[0], us[1]):F2}");
        Console.WriteLine($"1 KB, {rounds} rounds of {Calls} calls: A {DetectionInProcessAb.Median(us[0]):F2} µs per call ({small.Length / 1.048576 / DetectionInProcessAb.Median(us[0]):F1} MiB per CPU-second), " +
            $"B {DetectionInProcessAb.Median(us[1]):F2} ({small.Length / 1.048576 / DetectionInProcessAb.Median(us[1]):F1}); A/B median of per-round ratios {DetectionInProcessAb.Median(ratios):F3} (range {ratios.Min():F3}–{ratios.Max():F3})");
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static void Small(Func<string, int> engine, string text, int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            engine(text);
        }
    }

    /// <summary>Spearman's rank correlation (a few slices hit by a GC or a burst of load do not dominate it).</summary>
    private static double Correlation(List<double> xs, List<double> ys)
    {
        var x = Ranks(xs);
        var y = Ranks(ys);
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxy / Math.Sqrt(sxx * syy);
    }

    private static List<double> Ranks(List<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var r = 0; r < order.Length; r++)
        {
            ranks[order[r]] = r;
        }

        return [.. ranks];
    }
}
