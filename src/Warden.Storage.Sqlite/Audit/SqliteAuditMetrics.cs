using System.Diagnostics;
using System.Diagnostics.Metrics;
using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// What the SQLite audit store did in each transaction (meter <c>Warden.Audit.Sqlite</c>):
/// <c>warden.audit.sqlite.transaction.duration</c> tagged with what it carried besides records (<c>block_filter</c>:
/// a completed block's Bloom filter; <c>checkpoint</c>: a signed checkpoint row; <c>records</c>: false for a
/// transaction of deferred work only) and whether a WAL checkpoint ran at the same time (<c>wal_checkpoint</c>);
/// <c>warden.audit.sqlite.wal_checkpoint.duration</c>, each background WAL checkpoint; and
/// <c>warden.audit.sqlite.wal_hold.duration</c>, checkpoint work that held commits (<c>kind</c>: <c>gate</c> /
/// <c>gate_short</c>, the checkpointer's gated last pass that did / did not copy every frame; <c>restart</c>, the
/// writer's RESTART backstop); with the append journal, <c>warden.audit.sqlite.journal.replayed</c> (records another
/// store or an earlier run journaled, verified and committed by a takeover) and
/// <c>warden.audit.sqlite.journal.fold_failures</c> (the store fails closed until a fold succeeds).
/// </summary>
internal sealed class SqliteAuditMetrics : IDisposable
{
    public const string MeterName = AuditTrailMetrics.MeterName + ".Sqlite";

    private readonly Histogram<double> _transaction;
    private readonly Histogram<double> _walCheckpoint;
    private readonly Histogram<double> _walHold;
    private readonly Counter<long> _journalReplayed;
    private readonly Counter<long> _journalFoldFailures;
    private readonly Meter? _owned;

    public SqliteAuditMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? (_owned = new Meter(MeterName));
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = AuditTrailMetrics.Buckets };
        _transaction = meter.CreateHistogram("warden.audit.sqlite.transaction.duration", "s", "Audit writer transactions (BEGIN to COMMIT), by what they carried.", advice: advice);
        _walCheckpoint = meter.CreateHistogram("warden.audit.sqlite.wal_checkpoint.duration", "s", "Background passive WAL checkpoints of the audit database.", advice: advice);
        _walHold = meter.CreateHistogram("warden.audit.sqlite.wal_hold.duration", "s", "WAL checkpoint work that held the audit writer's commits, by kind (gated last pass, RESTART backstop).", advice: advice);
        _journalReplayed = meter.CreateCounter<long>("warden.audit.sqlite.journal.replayed", "{record}", "Journaled audit records folded into SQLite by a takeover (start-up, or another store's journal).");
        _journalFoldFailures = meter.CreateCounter<long>("warden.audit.sqlite.journal.fold_failures", "{fold}", "Failed folds of the audit journal into SQLite (appends fail closed until one succeeds).");
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

    /// <summary>The checkpointer's gated last pass (commits held), and whether it copied every frame.</summary>
    public void WalGate(long start, bool caughtUp) =>
        _walHold.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, new KeyValuePair<string, object?>("kind", caughtUp ? "gate" : "gate_short"));

    /// <summary>The writer's <c>RESTART</c> backstop (its commit's callers wait for it).</summary>
    public void WalRestart(long start) =>
        _walHold.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, new KeyValuePair<string, object?>("kind", "restart"));

    public void JournalReplayed(int records) => _journalReplayed.Add(records);

    public void JournalFoldFailed() => _journalFoldFailures.Add(1);

    public void Dispose() => _owned?.Dispose();
}
