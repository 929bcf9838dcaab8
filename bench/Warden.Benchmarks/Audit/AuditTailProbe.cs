using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Benchmarks.Audit;

/// <summary>
/// <c>audit-tail [seconds] [rps] [work-µs] [process|powerloss]</c>: the gateway's audit pattern at a fixed rate (open loop):
/// every 1/rps a "request" starts on the thread pool, burns <c>work-µs</c> of CPU (the gateway's own request work, so the
/// pool is as busy as in the gateway), appends its <c>gateway.request</c> record and WAITS for it (the measured wait:
/// from the call to the caller running again), burns the work again (the upstream answer) and enqueues its
/// <c>gateway.response</c> record without waiting. The SQLite store runs its WAL checkpointer as in the gateway. Prints
/// the wait's percentiles and histogram, and every histogram the trail and the store publish on meters named
/// <c>Warden.Audit*</c> (per batch: what the writer was doing), so a before/after pair can run side by side.
/// </summary>
internal static class AuditTailProbe
{
    private static readonly double[] Bounds = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 50];

    public static async Task RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 30;
        var rps = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        var workUs = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 150;
        var durability = args.Length > 3 && args[3] == "powerloss" ? AuditDurability.PowerLoss : AuditDurability.Process;
        var dir = Path.Combine(Path.GetTempPath(), "warden-audit-tail-" + Guid.NewGuid().ToString("N"));
        var metrics = new MetricCapture();
        try
        {
            using var key = AuditSigningKey.Generate();
            // WARDEN_PROBE_WAL_GATE_BYTES=off: no gated last checkpoint pass (the RESTART backstop alone, as before auditp99b)
            var gate = Environment.GetEnvironmentVariable("WARDEN_PROBE_WAL_GATE_BYTES");
            using var store = new SqliteAuditStore(new SqliteDatabase(Path.Combine(dir, "audit.db")), durability)
            {
                WalGateBytes = gate == "off" ? long.MaxValue : string.IsNullOrEmpty(gate) ? SqliteWalCheckpointer.DefaultGateBytes : long.Parse(gate, CultureInfo.InvariantCulture),
            };
            await store.EnsureCreatedAsync(default);
            await using var trail = new HashChainAuditTrail(store, key, TimeProvider.System, Options());
            await RunPacedAsync(trail, 3, rps, workUs, null); // warm-up: JIT, tiering, page cache
            metrics.Start();
            using var process = Process.GetCurrentProcess();
            var cpu0 = process.TotalProcessorTime;
            var waits = new List<double>();
            await RunPacedAsync(trail, seconds, rps, workUs, waits);
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpu0;
            metrics.Stop();
            Console.WriteLine($"audit-tail {durability}: {waits.Count} requests at {rps:F0}/s, {workUs:F0} µs work per half, cpu {cpu.TotalMilliseconds / waits.Count * 1000:F1} µs/request (process), {trail.BatchesCommitted} batches");
            Print("caller wait for its durable append (ms)", waits);
            var ck = store.WalCheckpointer;
            Console.WriteLine($"wal: checkpoints {ck?.Completed}, gated passes {ck?.GatedPasses} (caught up {ck?.GatedCaughtUp}), restart requests {ck?.RestartRequests}, wal file now {new FileInfo(Path.Combine(dir, "audit.db-wal")).Length / 1048576.0:F1} MB");
            metrics.Print();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    // Same-binary A/B of the commit modes: WARDEN_PROBE_CALLER_COMMITS=true (AuditTrailOptions.CallerCommits),
    // WARDEN_PROBE_CALLER_COMMIT_MAX_RATE=N (AuditTrailOptions.CallerCommitMaxRate; 0 = always the writer thread).
    internal static AuditTrailOptions Options()
    {
        var rate = Environment.GetEnvironmentVariable("WARDEN_PROBE_CALLER_COMMIT_MAX_RATE");
        var options = new AuditTrailOptions
        {
            CallerCommits = string.Equals(Environment.GetEnvironmentVariable("WARDEN_PROBE_CALLER_COMMITS"), "true", StringComparison.OrdinalIgnoreCase),
        };
        return string.IsNullOrEmpty(rate) ? options : options with { CallerCommitMaxRate = int.Parse(rate, CultureInfo.InvariantCulture) };
    }

    private static async Task RunPacedAsync(HashChainAuditTrail trail, double seconds, double rps, double workUs, List<double>? waits)
    {
        var period = TimeSpan.FromSeconds(1 / rps);
        var total = (int)(seconds * rps);
        var running = new List<Task>(total);
        var lockObj = new object();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = period * i;
            var ahead = due - clock.Elapsed;
            if (ahead > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(ahead);
            }

            var n = i;
            running.Add(Task.Run(async () =>
            {
                Burn(workUs);
                var t0 = Stopwatch.GetTimestamp();
                await trail.AppendAsync(Request(n), default);
                var waited = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (waits is not null)
                {
                    lock (lockObj)
                    {
                        waits.Add(waited);
                    }
                }

                Burn(workUs);
                await trail.EnqueueAsync(AuditBenchmarkData.Event(n), static (_, _) => { }, default);
            }));
        }

        await Task.WhenAll(running);
    }

    private static AuditEvent Request(int i)
    {
        var e = AuditBenchmarkData.Event(i);
        return e with { Type = "gateway.request", Status = null, LatencyMs = null, PromptTokens = null, CompletionTokens = null };
    }

    private static void Burn(double micros)
    {
        var until = Stopwatch.GetTimestamp() + (long)(micros * Stopwatch.Frequency / 1_000_000);
        while (Stopwatch.GetTimestamp() < until)
        {
            Thread.SpinWait(20);
        }
    }

    private static void Print(string what, List<double> values)
    {
        if (values.Count == 0)
        {
            Console.WriteLine($"  {what}: no values");
            return;
        }

        values.Sort();
        double P(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
        Console.WriteLine($"  {what,-58} n {values.Count,6}  p50 {P(0.5),7:F3}  p90 {P(0.9),7:F3}  p99 {P(0.99),7:F3}  p99.9 {P(0.999),7:F3}  max {values[^1],7:F3}  mean {values.Average(),7:F3}");
        var line = new System.Text.StringBuilder("    histogram (ms, count ≤ bound):");
        var from = 0;
        foreach (var b in Bounds)
        {
            var upTo = values.FindLastIndex(v => v <= b) + 1;
            if (upTo > from)
            {
                line.Append(CultureInfo.InvariantCulture, $" ≤{b}:{upTo - from}");
            }

            from = Math.Max(from, upTo);
        }

        if (from < values.Count)
        {
            line.Append(CultureInfo.InvariantCulture, $" >{Bounds[^1]}:{values.Count - from}");
        }

        Console.WriteLine(line);
    }

    /// <summary>Every histogram measurement of the meters named <c>Warden.Audit*</c>, by instrument and tags (ms).</summary>
    private sealed class MetricCapture
    {
        private readonly Dictionary<string, List<double>> _values = [];
        private readonly MeterListener _listener = new();
        private volatile bool _on;

        public void Start()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name.StartsWith("Warden.Audit", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>(OnMeasurement);
            _listener.Start();
            _on = true;
        }

        public void Stop() => _on = false;

        public void Print()
        {
            _listener.Dispose();
            foreach (var (name, values) in _values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                AuditTailProbe.Print(name, values);
            }
        }

        private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            if (!_on)
            {
                return;
            }

            var name = instrument.Name;
            foreach (var t in tags)
            {
                name += $" {t.Key}={t.Value}";
            }

            lock (_values)
            {
                if (!_values.TryGetValue(name, out var list))
                {
                    _values[name] = list = [];
                }

                list.Add(instrument.Unit == "s" ? value * 1000 : value);
            }
        }
    }
}
