using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Benchmarks.Audit;

/// <summary>
/// Verify on a kept file, so two builds can run on the same trail in one script:
/// <c>audit-make DIR EVENTS</c> writes a trail (64 closed-loop callers, <see cref="AuditDurability.Process"/>) and its
/// public key into DIR, and <c>audit-verify DIR [REPEAT]</c> verifies it once to warm up, then REPEAT times, reporting
/// wall clock and process CPU time per record (every thread: reader, digest workers, GC, JIT).
/// </summary>
internal static class AuditVerifyFileProbe
{
    public static async Task MakeAsync(string dir, int events)
    {
        Directory.CreateDirectory(dir);
        var key = AuditSigningKey.LoadOrCreate(dir);
        using (key)
        using (var store = new SqliteAuditStore(new SqliteDatabase(Path.Combine(dir, "audit.db"))))
        {
            await store.EnsureCreatedAsync(default);
            await using var trail = new HashChainAuditTrail(store, key, TimeProvider.System, new AuditTrailOptions());
            var next = -1;
            var workers = new Task[64];
            for (var w = 0; w < workers.Length; w++)
            {
                workers[w] = Task.Run(async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < events)
                    {
                        await trail.AppendAsync(AuditBenchmarkData.Event(i), default);
                    }
                });
            }

            await Task.WhenAll(workers);
        }

        SqliteConnection.ClearAllPools();
        Console.WriteLine($"wrote {events} events to {dir}");
    }

    public static async Task VerifyAsync(string dir, int repeat)
    {
        using var publicKey = AuditSigningKey.LoadPublic(dir);
        using var store = new SqliteAuditStore(new SqliteDatabase(Path.Combine(dir, "audit.db")));
        var verifier = new AuditVerifier(store, publicKey);
        var result = await verifier.VerifyAsync(default); // warm-up: JIT, tiering, page cache
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var alloc0 = GC.GetTotalAllocatedBytes();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < repeat; i++)
        {
            result = await verifier.VerifyAsync(default);
        }

        sw.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpu0;
        if (!result.IsValid)
        {
            throw new InvalidOperationException(result.Message);
        }

        var n = result.RecordsChecked * repeat;
        Console.WriteLine(
            $"verify {result.RecordsChecked} records x{repeat}  wall {sw.Elapsed.TotalMilliseconds,7:F0} ms = {n / sw.Elapsed.TotalSeconds,9:N0}/s   " +
            $"cpu {cpu.TotalMilliseconds,7:F0} ms = {cpu.TotalMicroseconds / n,5:F2} µs/record = {n / cpu.TotalSeconds,9:N0}/cpu-s   " +
            $"alloc {(GC.GetTotalAllocatedBytes() - alloc0) / n} B/record");
        SqliteConnection.ClearAllPools();
    }
}
