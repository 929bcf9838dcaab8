using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Benchmarks.Audit;

/// <summary>
/// <c>dotnet run -c Release --project bench/Warden.Benchmarks -- audit-cpu [events] [closed] [burst] [verify] [process|powerloss] [journal]</c>
/// (<c>journal</c>: the Process store with the append journal, the gateway's default):
/// the append path for both durabilities, as a <b>burst</b> (waves of 16,384 concurrent AppendAsync calls: the writer
/// batches up to MaxBatchSize) and as a <b>closed loop</b> (64 callers that append, await, append again: the gateway's
/// pattern, at most 64 events per batch), then <c>verify</c> over the result, reporting wall-clock AND process CPU
/// time per event. On a shared, oversubscribed machine the CPU figure is the stable one; wall-clock events/s is
/// what the goal names. Without phase arguments every phase runs.
/// </summary>
internal static class AuditCpuProbe
{
    private const int BurstWave = 16_384;

    public static async Task RunAsync(int events, IReadOnlyCollection<string> phases)
    {
        string[] durabilities = ["process", "powerloss"], steps = ["closed", "burst", "verify"];
        bool On(string phase) => phases.Contains(phase) || !(durabilities.Contains(phase) ? durabilities : steps).Any(phases.Contains);
        foreach (var durability in new[] { AuditDurability.Process, AuditDurability.PowerLoss })
        {
            if (!On(durability == AuditDurability.Process ? "process" : "powerloss"))
            {
                continue;
            }

            var dir = Path.Combine(Path.GetTempPath(), "warden-audit-cpu-" + Guid.NewGuid().ToString("N"));
            try
            {
                using var key = AuditSigningKey.Generate();
                // "journal": the Process store with the append journal in front of SQLite, as the gateway runs it by default.
                var journaled = durability == AuditDurability.Process && phases.Contains("journal");
                var db = Path.Combine(dir, "audit.db");
                using var store = new SqliteAuditStore(new SqliteDatabase(db), durability, journal: journaled ? new SqliteAuditJournalOptions { Path = db + "-wlog" } : null);
                await store.EnsureCreatedAsync(default);
                var all = Enumerable.Range(0, events).Select(AuditBenchmarkData.Event).ToArray();
                var n = durability == AuditDurability.PowerLoss ? Math.Min(events, 20_000) : events;
                await using (var trail = new HashChainAuditTrail(store, key, TimeProvider.System, AuditTailProbe.Options()))
                {
                    await ClosedLoopAsync(trail, all, 64, Math.Min(2000, n)); // warm-up (JIT, tiering, page cache)
                    await BurstAsync(trail, all, Math.Min(BurstWave, n));
                    if (On("burst"))
                    {
                        var b0 = trail.BatchesCommitted;
                        var (wall, cpu) = await Measure(() => BurstAsync(trail, all, n));
                        Report($"append {(journaled ? "journal" : durability.ToString()),-9} burst", n, wall, cpu, trail.BatchesCommitted - b0);
                    }

                    if (On("closed"))
                    {
                        var b0 = trail.BatchesCommitted;
                        var (wall, cpu) = await Measure(() => ClosedLoopAsync(trail, all, 64, n));
                        Report($"append {(journaled ? "journal" : durability.ToString()),-9} 64 callers", n, wall, cpu, trail.BatchesCommitted - b0);
                    }
                }

                if (!On("verify"))
                {
                    continue;
                }

                using var publicKey = AuditSigningKey.FromPublicKeyPem(key.PublicKeyPem);
                var verifier = int.TryParse(Environment.GetEnvironmentVariable("WARDEN_PROBE_VERIFY_PAGE"), out var page)
                    ? new AuditVerifier(store, publicKey) { PageSize = page }
                    : new AuditVerifier(store, publicKey);
                var first = await verifier.VerifyAsync(default); // warm-up
                var result = first;
                var repeat = int.TryParse(Environment.GetEnvironmentVariable("WARDEN_PROBE_VERIFY_REPEAT"), out var r) ? r : 1; // for profiling
                var (vw, vc) = await Measure(async () =>
                {
                    for (var i = 0; i < repeat; i++)
                    {
                        result = await verifier.VerifyAsync(default);
                    }
                });
                if (!result.IsValid)
                {
                    throw new InvalidOperationException(result.Message);
                }

                Report($"verify ({durability} file)", (int)result.RecordsChecked * repeat, vw, vc, null);
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static async Task BurstAsync(HashChainAuditTrail trail, AuditEvent[] events, int count)
    {
        var tasks = new Task<long>[Math.Min(BurstWave, count)];
        for (var done = 0; done < count; done += tasks.Length)
        {
            var wave = Math.Min(tasks.Length, count - done);
            for (var i = 0; i < wave; i++)
            {
                tasks[i] = trail.AppendAsync(events[(done + i) % events.Length], default).AsTask();
            }

            await Task.WhenAll(tasks.AsSpan(0, wave).ToArray());
        }
    }

    private static async Task ClosedLoopAsync(HashChainAuditTrail trail, AuditEvent[] events, int callers, int count)
    {
        var next = -1;
        var workers = new Task[callers];
        for (var w = 0; w < callers; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    await trail.AppendAsync(events[i % events.Length], default);
                }
            });
        }

        await Task.WhenAll(workers);
    }

    private static long s_allocated;
    private static int s_gen0;
    private static int s_gen2;

    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> Measure(Func<Task> run)
    {
        using var process = Process.GetCurrentProcess();
        var alloc0 = GC.GetTotalAllocatedBytes();
        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        var cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        await run();
        sw.Stop();
        process.Refresh();
        s_allocated = GC.GetTotalAllocatedBytes() - alloc0;
        s_gen0 = GC.CollectionCount(0) - gen0;
        s_gen2 = GC.CollectionCount(2) - gen2;
        return (sw.Elapsed, process.TotalProcessorTime - cpu0);
    }

    private static void Report(string what, int n, TimeSpan wall, TimeSpan cpu, long? batches)
    {
        Console.WriteLine(
            $"{what,-32} {n,8} events  wall {wall.TotalMilliseconds,8:F0} ms = {n / wall.TotalSeconds,9:N0}/s   " +
            $"cpu {cpu.TotalMilliseconds,8:F0} ms = {cpu.TotalMicroseconds / n,6:F2} µs/event = {n / cpu.TotalSeconds,9:N0}/cpu-s" +
            $"   alloc {s_allocated / n,5} B/event  gc0/gc2 {s_gen0}/{s_gen2}" +
            (batches is { } b ? $"   batches {b} ({(double)n / b:F0}/batch)" : ""));
    }
}
