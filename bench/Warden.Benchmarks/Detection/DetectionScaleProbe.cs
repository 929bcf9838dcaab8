using System.Diagnostics;
using Warden.Core.Detection;

namespace Warden.Benchmarks.Detection;

/// <summary>
/// Why a larger text costs more per character (<c>detection-cpu scale [1m 10m ...]</c>): for each size, the CPU time per MB
/// of each recognizer alone and of the engine, and per engine call the garbage collections (by generation), the GC pause
/// time and the bytes allocated. A figure that grows faster than the text is what makes the larger size dearer.
/// </summary>
internal static class DetectionScaleProbe
{
    /// <summary>"100k", "1m", "10m" or a plain number of characters.</summary>
    public static int ParseSize(string size)
    {
        var s = size.ToLowerInvariant();
        var (digits, unit) = s.EndsWith('m') ? (s[..^1], 1_048_576) : s.EndsWith('k') ? (s[..^1], 1024) : (s, 1);
        return (int)(double.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) * unit);
    }

    public static void Run(string[] sizes)
    {
        var engine = new DetectionEngine(new DetectionOptions { NamedEntities = false });
        var warm = PromptCorpus.Build(65_536);
        var scratch = new List<Finding>();
        for (var i = 0; i < 50; i++)
        {
            engine.Analyze(warm);
            foreach (var r in engine.Recognizers)
            {
                scratch.Clear();
                r.Analyze(warm, scratch);
            }
        }

        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        var chosen = (sizes.Length == 0 ? ["1m", "10m"] : sizes).Select(ParseSize).ToArray();
        var texts = chosen.ToDictionary(s => s, s => PromptCorpus.Build(s));
        Console.WriteLine($"| recognizer | {string.Join(" | ", chosen.Select(s => $"CPU ms per MB at {Label(s)}"))} |");
        Console.WriteLine($"|---|{string.Concat(chosen.Select(_ => "---:|"))}");
        foreach (var r in engine.Recognizers)
        {
            var cells = chosen.Select(s =>
            {
                var text = texts[s];
                var results = new List<Finding>();
                return MsPerMb(text, () =>
                {
                    results.Clear();
                    r.Analyze(text, results);
                });
            });
            Console.WriteLine($"| {r.Name} | {string.Join(" | ", cells.Select(c => c.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} |");
        }

        foreach (var (name, pass) in Passes)
        {
            Console.WriteLine($"| pass: {name} | {string.Join(" | ", chosen.Select(s => MsPerMb(texts[s], () => pass(texts[s])).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} |");
        }

        Console.WriteLine($"| engine | {string.Join(" | ", chosen.Select(s => MsPerMb(texts[s], () => engine.Analyze(texts[s])).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} |");
        Console.WriteLine();
        Console.WriteLine("| input | calls | gen0 / gen1 / gen2 GCs per call | GC pause ms per call | allocated per call | candidates | findings | process CPU ms per MB | this thread's CPU ms per MB | minor page faults per MB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in chosen)
        {
            var text = texts[s];
            var candidates = engine.Recognizers.Sum(r =>
            {
                var l = new List<Finding>();
                r.Analyze(text, l);
                return l.Count;
            });
            var findings = engine.Analyze(text).Count;
            var calls = Math.Max(3, 40_000_000 / s);
            var g0 = GC.CollectionCount(0);
            var g1 = GC.CollectionCount(1);
            var g2 = GC.CollectionCount(2);
            var pause = GC.GetTotalPauseDuration();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var process = Process.GetCurrentProcess();
            var cpu = DetectionCpuProbe.CpuMs(process);
            var thread = ThreadCpuMs();
            var faults = MinorFaults();
            for (var i = 0; i < calls; i++)
            {
                engine.Analyze(text);
            }

            var mb = calls * (text.Length / 1_048_576.0);
            Console.WriteLine($"| {Label(s)} | {calls} | {(GC.CollectionCount(0) - g0) / (double)calls:F2} / {(GC.CollectionCount(1) - g1) / (double)calls:F2} / {(GC.CollectionCount(2) - g2) / (double)calls:F2} | {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds / calls:F3} | {(GC.GetAllocatedBytesForCurrentThread() - allocated) / calls:N0} B | {candidates} | {findings} | {(DetectionCpuProbe.CpuMs(process) - cpu) / mb:F2} | {(ThreadCpuMs() - thread) / mb:F2} | {(MinorFaults() - faults) / mb:F1} |");
        }

        var last = GC.GetGCMemoryInfo(GCKind.Any);
        Console.WriteLine($"last GC: generation {last.Generation}, compacted {last.Compacted}, concurrent {last.Concurrent}, pause {string.Join("/", last.PauseDurations.ToArray().Select(d => d.TotalMilliseconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} ms, heap {last.HeapSizeBytes:N0} B, promoted {last.PromotedBytes:N0} B");
    }

    /// <summary>
    /// <c>detection-cpu scale rounds [N]</c>: in one process, alternating rounds of the engine on 1 MB, on 10 MB as one text,
    /// and on the same 10 MB as ten separate 1 MB texts; median and minimum CPU ms per MB of each. If the ten 1 MB texts cost
    /// what 1 MB costs, the 10 MB penalty is the size of the one text (locality), not its content.
    /// </summary>
    public static void RunRounds(int rounds)
    {
        var engine = new DetectionEngine(new DetectionOptions { NamedEntities = false });
        var small = PromptCorpus.Build(1_048_576);
        var large = PromptCorpus.Build(10_485_760);
        var slices = Enumerable.Range(0, 10).Select(i => large.Substring(i * 1_048_576, 1_048_576)).ToArray();
        var cases = new (string Name, double Mb, Action Call)[]
        {
            ("1 MB", 1, () => engine.Analyze(small)),
            ("10 MB as one text", 10, () => engine.Analyze(large)),
            ("10 MB as ten 1 MB texts", 10, () =>
            {
                foreach (var slice in slices)
                {
                    engine.Analyze(slice);
                }
            }),
        };
        foreach (var c in cases)
        {
            for (var i = 0; i < 3; i++)
            {
                c.Call();
            }
        }

        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        var process = Process.GetCurrentProcess();
        var samples = cases.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < cases.Length; k++)
            {
                var c = cases[(k + round) % cases.Length];
                var before = DetectionCpuProbe.CpuMs(process);
                var mb = 0.0;
                do
                {
                    c.Call();
                    mb += c.Mb;
                }
                while (DetectionCpuProbe.CpuMs(process) - before < 400);

                samples[(k + round) % cases.Length].Add((DetectionCpuProbe.CpuMs(process) - before) / mb);
            }
        }

        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("| input | CPU ms per MB, median | minimum | maximum | rounds |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        for (var k = 0; k < cases.Length; k++)
        {
            var v = samples[k].Order().ToArray();
            Console.WriteLine($"| {cases[k].Name} | {v[v.Length / 2]:F2} | {v[0]:F2} | {v[^1]:F2} | {v.Length} |");
        }
    }

    private static readonly System.Buffers.SearchValues<char> At = System.Buffers.SearchValues.Create("@");

    private static readonly System.Buffers.SearchValues<string> Words = System.Buffers.SearchValues.Create(["phone", "card", "ssn", "born"], StringComparison.OrdinalIgnoreCase);

    /// <summary>Bare passes over the text, nothing else: how much dearer one read of the text is at the larger size.</summary>
    private static readonly (string Name, Func<string, int> Pass)[] Passes =
    [
        ("IndexOfAny('@') to the end", t => Count(t, s => s.IndexOfAny(At))),
        ("digit runs (IndexOfAnyInRange / Except)", t =>
        {
            var n = 0;
            var span = t.AsSpan();
            for (var pos = 0; pos < span.Length; n++)
            {
                var rel = span[pos..].IndexOfAnyInRange('0', '9');
                if (rel < 0)
                {
                    break;
                }

                var r = span[(pos + rel + 1)..].IndexOfAnyExceptInRange('0', '9');
                pos = r < 0 ? span.Length : pos + rel + 1 + r;
            }

            return n;
        }),
        ("Teddy, 4 words ignore case", t => Count(t, s => s.IndexOfAny(Words))),
    ];

    private delegate int SpanSearch(ReadOnlySpan<char> span);

    /// <summary>Hits of <paramref name="search"/> from the start to the end of the text.</summary>
    private static int Count(string text, SpanSearch search)
    {
        var n = 0;
        for (var pos = 0; pos < text.Length; n++)
        {
            var rel = search(text.AsSpan(pos));
            if (rel < 0)
            {
                break;
            }

            pos += rel + 1;
        }

        return n;
    }

    private static string Label(int size) => size >= 1_048_576 ? $"{size / 1_048_576.0:0.#} MB" : $"{size / 1024} KB";

    /// <summary>CPU ms per MB of text (<see cref="DetectionCpuProbe.CpuMsPerCall"/>).</summary>
    private static double MsPerMb(string text, Action call) => DetectionCpuProbe.CpuMsPerCall(call) / (text.Length / 1_048_576.0);

    /// <summary>CPU time of the calling thread (Linux <c>/proc/thread-self/schedstat</c>, nanoseconds on the CPU).</summary>
    private static double ThreadCpuMs() =>
        long.Parse(File.ReadAllText("/proc/thread-self/schedstat").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1e6;

    /// <summary>Minor page faults of the process so far (field 10 of <c>/proc/self/stat</c>).</summary>
    private static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
    }
}
