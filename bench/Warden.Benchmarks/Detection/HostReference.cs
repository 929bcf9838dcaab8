namespace Warden.Benchmarks.Detection;

/// <summary>
/// Two fixed pieces of integer work whose CPU time only the machine can change, to tell a slow host from slow code
/// (2026-11-27, <c>det20</c>): on this VM the engine's 1 KB call moved between about 7.2 and 11.5 µs from one process to
/// the next while a latency-bound loop (one dependent multiply chain) kept its time within a few percent and a
/// throughput-bound loop (eight independent chains and data-dependent branches, like the engine's code) moved with the
/// engine (about 250–280 µs against 385–440). A core shared with another hardware thread slows code that needs many
/// execution units and barely touches a dependency chain: the slow phases look like that.
/// </summary>
internal static class HostReference
{
    /// <summary>Thread-CPU µs of the throughput-bound and of the latency-bound loop: medians of <paramref name="rounds"/> rounds.</summary>
    public static (double Throughput, double Latency) Measure(string text, int rounds = 21)
    {
        var throughput = new double[rounds];
        var latency = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var t = CpuClock.ThreadMs();
            ThroughputBound(text);
            throughput[r] = (CpuClock.ThreadMs() - t) * 1_000;
            t = CpuClock.ThreadMs();
            LatencyBound(text);
            latency[r] = (CpuClock.ThreadMs() - t) * 1_000;
        }

        Array.Sort(throughput);
        Array.Sort(latency);
        return (throughput[rounds / 2], latency[rounds / 2]);
    }

    /// <summary>One line for a probe's output.</summary>
    public static string Describe(string text)
    {
        var (throughput, latency) = Measure(text);
        return $"host reference (fixed integer work, thread-CPU µs, median of 21): throughput-bound {throughput:F0}, latency-bound {latency:F0}";
    }

    /// <summary>A scalar FNV-1a hash of the text, 400 times: one dependent multiply chain.</summary>
    public static void LatencyBound(string text)
    {
        var h = 2166136261u;
        for (var k = 0; k < 400; k++)
        {
            foreach (var c in text)
            {
                h = (h ^ c) * 16777619u;
            }
        }

        Sink = h;
    }

    /// <summary>Eight independent add/shift chains over the text and two data-dependent branches, 400 times.</summary>
    public static void ThroughputBound(string text)
    {
        ulong a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
        var n = 0;
        for (var k = 0; k < 400; k++)
        {
            for (var i = 0; i + 7 < text.Length; i += 8)
            {
                a += text[i] ^ (a >> 3);
                b += text[i + 1] ^ (b >> 5);
                c += text[i + 2] ^ (c >> 7);
                d += text[i + 3] ^ (d >> 11);
                e += text[i + 4] ^ (e >> 13);
                f += text[i + 5] ^ (f >> 17);
                g += text[i + 6] ^ (g >> 19);
                h += text[i + 7] ^ (h >> 23);
                if (((text[i] ^ k) & 3) == 1)
                {
                    n++;
                }

                if ((text[i + 3] & 5) == 4)
                {
                    n += 2;
                }
            }
        }

        Sink = a + b + c + d + e + f + g + h + (ulong)n;
    }

    private static ulong Sink { get; set; }
}
