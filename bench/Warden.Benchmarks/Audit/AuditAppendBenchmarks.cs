using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Benchmarks.Audit;

/// <summary>
/// Group-committed appends to the SQLite trail (WAL, synchronous=FULL): <see cref="Events"/>
/// concurrent AppendAsync callers per invocation, each acknowledged only once durable.
/// Result per operation = per event.
/// </summary>
[MemoryDiagnoser]
public class AuditAppendBenchmarks
{
    private const int Events = 16384;
    private string _dir = "";
    private SqliteAuditStore _store = null!;
    private HashChainAuditTrail _trail = null!;
    private AuditSigningKey _key = null!;
    private AuditEvent[] _events = [];

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "warden-bench-append-" + Guid.NewGuid().ToString("N"));
        _store = new SqliteAuditStore(new SqliteDatabase(Path.Combine(_dir, "audit.db")));
        _store.EnsureCreatedAsync(default).GetAwaiter().GetResult();
        _key = AuditSigningKey.Generate();
        _trail = new HashChainAuditTrail(_store, _key, TimeProvider.System, new AuditTrailOptions());
        _events = Enumerable.Range(0, Events).Select(AuditBenchmarkData.Event).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trail.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.Dispose();
        _key.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task AppendConcurrent()
    {
        var tasks = new Task<long>[Events];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = _trail.AppendAsync(_events[i], default).AsTask();
        }

        await Task.WhenAll(tasks);
    }
}
