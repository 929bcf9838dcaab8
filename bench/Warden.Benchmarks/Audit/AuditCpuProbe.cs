using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Benchmarks.Audit;

/// <summary>
/// <c>dotnet run -c Release --project bench/Warden.Benchmarks -- audit-cpu [events]</c>: the gateway's append
/// path (64 closed-loop callers) for both durabilities, then <c>verify</c> over the result, reporting wall-clock
/// AND process CPU time per event. On a shared, oversubscribed machine the CPU figure (events per CPU-second)
/// is the stable one; wall-clock events/s is what the goal names.
/// </summary>
internal static class AuditCpuProbe
{
    public static async Task RunAsync(int events)
    {
        foreach (var durability in new[] { AuditDurability.Process, AuditDurability.PowerLoss })
        {
            var dir = Path.Combine(Path.GetTempPath(), "warden-audit-cpu-" + Guid.NewGuid().ToString("N"));
            try
            {
                using var key = AuditSigningKey.Generate();
                using var store = new SqliteAuditStore(new SqliteDatabase(Path.Combine(dir, "audit.db")), durability);
                await store.EnsureCreatedAsync(default);
                var all = Enumerable.Range(0, events).Select(AuditBenchmarkData.Event).ToArray();
                var n = durability == AuditDurability.PowerLoss ? Math.Min(events, 20_000) : events;
                await using (var trail = new HashChainAuditTrail(store, key, TimeProvider.System, new AuditTrailOptions()))
                {
                    await ClosedLoopAsync(trail, all, 64, Math.Min(2000, n)); // warm-up (JIT, tiering, page cache)
                    var (wall, cpu) = await Measure(() => ClosedLoopAsync(trail, all, 64, n));
                    Report($"append {durability,-9} 64 callers", n, wall, cpu, trail.BatchesCommitted);
                }

                using var publicKey = AuditSigningKey.FromPublicKeyPem(key.PublicKeyPem);
                var verifier = new AuditVerifier(store, publicKey);
                var first = await verifier.VerifyAsync(default); // warm-up
                var result = first;
                var (vw, vc) = await Measure(async () => result = await verifier.VerifyAsync(default));
                if (!result.IsValid)
                {
                    throw new InvalidOperationException(result.Message);
                }

                Report($"verify ({durability} file)", (int)result.RecordsChecked, vw, vc, null);
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(dir, recursive: true);
            }
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

    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> Measure(Func<Task> run)
    {
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        await run();
        sw.Stop();
        process.Refresh();
        return (sw.Elapsed, process.TotalProcessorTime - cpu0);
    }

    private static void Report(string what, int n, TimeSpan wall, TimeSpan cpu, long? batches)
    {
        Console.WriteLine(
            $"{what,-32} {n,8} events  wall {wall.TotalMilliseconds,8:F0} ms = {n / wall.TotalSeconds,9:N0}/s   " +
            $"cpu {cpu.TotalMilliseconds,8:F0} ms = {cpu.TotalMicroseconds / n,6:F2} µs/event = {n / cpu.TotalSeconds,9:N0}/cpu-s" +
            (batches is { } b ? $"   batches {b}" : ""));
    }
}
