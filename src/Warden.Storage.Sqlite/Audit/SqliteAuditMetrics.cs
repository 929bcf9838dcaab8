using System.Diagnostics;
using System.Diagnostics.Metrics;
using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// What the SQLite audit store did in each transaction (meter <c>Warden.Audit.Sqlite</c>):
/// <c>warden.audit.sqlite.transaction.duration</c> tagged with what it carried besides records (<c>block_filter</c>:
/// a completed block's Bloom filter; <c>checkpoint</c>: a signed checkpoint row; <c>records</c>: false for a
/// transaction of deferred work only) and whether a WAL checkpoint ran at the same time (<c>wal_checkpoint</c>);
/// and <c>warden.audit.sqlite.wal_checkpoint.duration</c>, each background WAL checkpoint.
/// </summary>
internal sealed class SqliteAuditMetrics : IDisposable
{
    public const string MeterName = AuditTrailMetrics.MeterName + ".Sqlite";

    private readonly Histogram<double> _transaction;
    private readonly Histogram<double> _walCheckpoint;
    private readonly Meter? _owned;

    public SqliteAuditMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? (_owned = new Meter(MeterName));
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = AuditTrailMetrics.Buckets };
        _transaction = meter.CreateHistogram("warden.audit.sqlite.transaction.duration", "s", "Audit writer transactions (BEGIN to COMMIT), by what they carried.", advice: advice);
        _walCheckpoint = meter.CreateHistogram("warden.audit.sqlite.wal_checkpoint.duration", "s", "Background passive WAL checkpoints of the audit database.", advice: advice);
    }

    public void Transaction(long start, bool records, bool blockFilter, bool checkpoint, bool walCheckpointRunning)
    {
        if (!_transaction.Enabled)
        {
            return;
        }

        _transaction.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, new TagList
        {
            { "records", records },
            { "block_filter", blockFilter },
            { "checkpoint", checkpoint },
            { "wal_checkpoint", walCheckpointRunning },
        });
    }

    public void WalCheckpoint(long start) => _walCheckpoint.Record(Stopwatch.GetElapsedTime(start).TotalSeconds);

    public void Dispose() => _owned?.Dispose();
}
