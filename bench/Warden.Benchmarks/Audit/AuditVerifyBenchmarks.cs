using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Benchmarks.Audit;

/// <summary>
/// <c>audit verify</c> over a SQLite trail of <see cref="Records"/> records (checkpoint every 1000):
/// read every row, re-hash it, check every link and every ECDSA checkpoint. Result per operation = per record.
/// </summary>
[MemoryDiagnoser]
public class AuditVerifyBenchmarks
{
    private const int Records = 200_000;
    private string _dir = "";
    private SqliteAuditStore _store = null!;
    private AuditSigningKey _publicKey = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "warden-bench-verify-" + Guid.NewGuid().ToString("N"));
        _store = new SqliteAuditStore(new SqliteDatabase(Path.Combine(_dir, "audit.db")));
        _store.EnsureCreatedAsync(default).GetAwaiter().GetResult();
        using var key = AuditSigningKey.Generate();
        _publicKey = AuditSigningKey.FromPublicKeyPem(key.PublicKeyPem);
        var trail = new HashChainAuditTrail(_store, key, TimeProvider.System, new AuditTrailOptions { CheckpointEveryRecords = 1000, MaxBatchSize = 4096 });
        for (var done = 0; done < Records; done += 8192)
        {
            Task.WhenAll(Enumerable.Range(done, 8192).Select(i => trail.AppendAsync(AuditBenchmarkData.Event(i), default).AsTask())).GetAwaiter().GetResult();
        }

        trail.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var check = new AuditVerifier(_store, _publicKey).VerifyAsync(default).GetAwaiter().GetResult();
        if (!check.IsValid || check.RecordsChecked < Records)
        {
            throw new InvalidOperationException("benchmark chain does not verify: " + check.Message);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        _publicKey.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public async Task<long> VerifyChain()
    {
        var result = await new AuditVerifier(_store, _publicKey).VerifyAsync(default);
        return result.IsValid ? result.RecordsChecked : throw new InvalidOperationException(result.Message);
    }
}
