using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Benchmarks.Audit;

/// <summary>
/// <c>audit-commit [commits] [records-per-commit] [sleep-µs]</c>: the SQLite store alone, one thread: <c>commits</c>
/// sequential <see cref="SqliteAuditStore.AppendAsync"/> transactions of <c>records-per-commit</c> ready-made records
/// (≈ 600-byte bodies), the shape of a caller-led commit at a modest rate (one record per transaction). Prints the
/// thread's CPU time per commit (<c>/proc/thread-self/stat</c> via <see cref="Process"/>), wall p50/p99 per commit, so the store's per-commit cost is measured without
/// the trail's chaining, the thread pool or a paced workload. <c>sleep-µs</c> &gt; 0 sleeps between commits (a cold
/// cache and a scheduler round trip, as at 200 requests/s). The WAL checkpointer runs as in the gateway.
/// </summary>
internal static class AuditCommitProbe
{
    public static async Task RunAsync(string[] args)
    {
        var commits = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var perCommit = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        var sleepUs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0;
        var dir = Path.Combine(Path.GetTempPath(), "warden-audit-commit-" + Guid.NewGuid().ToString("N"));
        try
        {
            var database = new SqliteDatabase(Path.Combine(dir, "audit.db"));
            using var store = new SqliteAuditStore(database);
            await store.EnsureCreatedAsync(default);
            if (Environment.GetEnvironmentVariable("WARDEN_PROBE_SQL") is { Length: > 0 } sql)
            {
                using var c = database.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
            long seq = 0;
            var warm = Math.Min(2_000, commits);
            Run(store, ref seq, warm, perCommit, 0, null); // JIT, tiering, page cache
            var waits = new List<double>(commits);
            var cpu0 = ThreadCpu();
            var wall = Stopwatch.StartNew();
            Run(store, ref seq, commits, perCommit, sleepUs, waits);
            wall.Stop();
            var cpu = ThreadCpu() - cpu0;
            waits.Sort();
            double P(double q) => waits[Math.Min(waits.Count - 1, (int)Math.Ceiling(q * waits.Count) - 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"audit-commit: {commits} commits x {perCommit} record(s), sleep {sleepUs} µs: thread cpu {cpu.TotalMilliseconds * 1000 / commits:F1} µs/commit, wall p50 {P(0.5) * 1000:F1} µs p90 {P(0.9) * 1000:F1} p99 {P(0.99) * 1000:F1} µs, WAL file {new FileInfo(database.Path + "-wal").Length / 1048576.0:F1} MB, {store.WalCheckpointer?.Completed} WAL checkpoints"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Run(SqliteAuditStore store, ref long seq, int commits, int perCommit, int sleepUs, List<double>? waits)
    {
        var prev = new byte[32];
        for (var c = 0; c < commits; c++)
        {
            var batch = new AuditRecordToStore[perCommit];
            for (var i = 0; i < perCommit; i++)
            {
                seq++;
                var e = AuditBenchmarkData.Event((int)seq);
                var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"v\":1,\"seq\":{seq},\"prev\":\"{Convert.ToHexStringLower(prev)}\",\"type\":\"{e.Type}\",\"agent\":\"{e.AgentId}\",\"user\":\"{e.OnBehalfOf}\",\"task\":\"{e.TaskId}\",\"provider\":\"{e.Provider}\",\"model\":\"{e.Model}\",\"decision\":\"allow\",\"rule\":\"provider-agents\",\"status\":200,\"latencyMs\":812.25,\"contentHmac\":\"{e.ContentHmac}\",\"attrs\":{{\"request_id\":\"{Guid.NewGuid():N}\"}}}}"));
                var hash = SHA256.HashData(body);
                batch[i] = new AuditRecordToStore(seq, TimeProvider.System.GetUtcNow(), e, hash, body);
                prev = hash;
            }

            if (sleepUs > 0)
            {
                Thread.Sleep(TimeSpan.FromTicks(sleepUs * 10L));
            }

            var t0 = Stopwatch.GetTimestamp();
            store.AppendAsync(batch, null, default).GetAwaiter().GetResult();
            waits?.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
    }

    private static TimeSpan ThreadCpu()
    {
        // utime + stime of this thread, in clock ticks (100 Hz on Linux).
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
