namespace Warden.Core.Audit;

/// <summary>Immutable settings of the hash-chain trail, validated whole.</summary>
public sealed record AuditTrailOptions
{
    /// <summary>Sign a checkpoint after at most this many records...</summary>
    public int CheckpointEveryRecords { get; init; } = 1000;

    /// <summary>...or after this long, whichever comes first (when there are new records).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most events one group commit writes.</summary>
    public int MaxBatchSize { get; init; } = 1024;

    /// <summary>Events waiting for a commit; callers wait (back-pressure) beyond this.</summary>
    public int QueueCapacity { get; init; } = 16384;

    /// <summary>
    /// How long an event queued without a waiter (<see cref="IAuditTrail.EnqueueAsync"/>: the gateway's
    /// <c>gateway.response</c>) may wait for the next caller's commit to carry it before the writer thread commits it on
    /// its own. Zero: at once. A killed process can lose such events queued this long (never an awaited one).
    /// </summary>
    public TimeSpan EnqueuedFlushDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// When the store commits cheaply in process (SQLite, <c>Durability=Process</c>), a caller that finds nobody
    /// committing commits its own batch on its own thread instead of handing it to the writer thread. It removes two
    /// thread hops from an idle trail's wait, but under concurrent load it fragments batches (each caller commits a
    /// batch of one): +17 to +41 µs of CPU per proxied request and -10 to -22 % throughput in same-run A/Bs
    /// (docs/bench/audit.md). Off by default.
    /// </summary>
    public bool CallerCommits { get; init; }

    /// <summary>
    /// Adaptive hand-off (SQLite, <c>Durability=Process</c>): while awaited appends arrive at no more than this many per
    /// second (a moving average of their spacing), a caller that finds nobody committing commits its own batch on its
    /// own thread, and one that finds a commit running waits for it on its own thread (a bounded spin) instead of
    /// handing its event to the writer thread. Above the rate every caller hands off, so batches form as before. 0: off
    /// (always the writer thread, unless <see cref="CallerCommits"/>).
    /// </summary>
    public int CallerCommitMaxRate { get; init; } = 1000;

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range.</summary>
    public void Validate()
    {
        if (CheckpointEveryRecords < 1)
        {
            throw new ArgumentException("CheckpointEveryRecords must be at least 1");
        }

        if (CheckpointInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("CheckpointInterval must be positive");
        }

        if (MaxBatchSize is < 1 or > 100_000)
        {
            throw new ArgumentException("MaxBatchSize must be between 1 and 100000");
        }

        if (EnqueuedFlushDelay < TimeSpan.Zero || EnqueuedFlushDelay > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("EnqueuedFlushDelay must be between 0 and 1 second");
        }

        if (CallerCommitMaxRate is < 0 or > 1_000_000)
        {
            throw new ArgumentException("CallerCommitMaxRate must be between 0 and 1000000");
        }

        if (QueueCapacity < MaxBatchSize)
        {
            throw new ArgumentException("QueueCapacity must be at least MaxBatchSize");
        }
    }
}
