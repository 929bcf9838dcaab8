using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Benchmarks.Audit;

/// <summary>
/// Group-committed appends to the SQLite trail (WAL), each acknowledged only once durable under
/// <see cref="Durability"/>. <see cref="AppendBurst"/>: <see cref="Events"/> concurrent AppendAsync calls.
/// <see cref="AppendClosedLoop"/>: what the gateway does, <see cref="Callers"/> callers that each append,
/// await the acknowledgement, and append again. Result per operation = per event.
/// </summary>
[MemoryDiagnoser]
public class AuditAppendBenchmarks
{
    private const int Events = 16384;
    private const int Callers = 64;
    private string _dir = "";
    private SqliteAuditStore _store = null!;
    private HashChainAuditTrail _trail = null!;
    private AuditSigningKey _key = null!;
    private AuditEvent[] _events = [];

    [Params(AuditDurability.Process, AuditDurability.PowerLoss)]
    public AuditDurability Durability { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "warden-bench-append-" + Guid.NewGuid().ToString("N"));
        _store = new SqliteAuditStore(new SqliteDatabase(Path.Combine(_dir, "audit.db")), Durability);
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
    public async Task AppendBurst()
    {
        var tasks = new Task<long>[Events];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = _trail.AppendAsync(_events[i], default).AsTask();
        }

        await Task.WhenAll(tasks);
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task AppendClosedLoop()
    {
        var workers = new Task[Callers];
        for (var w = 0; w < Callers; w++)
        {
            var first = w * (Events / Callers);
            workers[w] = Task.Run(async () =>
            {
                for (var i = first; i < first + (Events / Callers); i++)
                {
                    await _trail.AppendAsync(_events[i], default);
                }
            });
        }

        await Task.WhenAll(workers);
    }
}
