using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace Warden.Core.Audit;

/// <summary>
/// The tamper-evident trail. Concurrent <see cref="AppendAsync"/> callers are queued; one writer
/// drains the queue, chains the events (sequence, timestamp, previous hash, SHA-256 over canonical
/// JSON) and commits the whole batch in ONE store transaction. Each caller is released only after its
/// batch is durable; if the store fails, every caller in the batch gets <see cref="AuditUnavailableException"/>
/// (fail closed).
/// <para>Who commits: with a store that commits inline (SQLite, <see cref="AuditDurability.Process"/>: no fsync per commit)
/// and while awaited appends arrive sparsely (<see cref="AuditTrailOptions.CallerCommitMaxRate"/>; always with
/// <see cref="AuditTrailOptions.CallerCommits"/>) an appending caller that finds nobody committing commits its own batch
/// on its own thread and returns already acknowledged — no other thread is woken, no continuation is scheduled; one that
/// finds a commit running waits for it briefly on its own thread. Otherwise (PostgreSQL, <c>PowerLoss</c>, appends
/// arriving densely) the writer thread commits: it sleeps on an event that the first append
/// after it went idle sets, so its wake-up never waits in the thread pool's queue behind request work, and callers'
/// continuations always run on the thread pool, never on the writer. Completions are pooled value-task sources: an
/// append allocates nothing of its own.</para>
/// <para>Work that acknowledges nobody stays out of the acknowledging transaction: a due checkpoint is signed by the
/// writer thread after the batch's callers were released and stored by the next transaction (by one of its own as
/// soon as no caller waits); a store's deferred bookkeeping (<see cref="IAuditDeferredWork"/>) likewise. A crash in
/// between loses only that checkpoint, which is signed again later; a checkpoint is always stored with or after the
/// record it names, so the trail verifies after a crash at any point.</para>
/// <para><see cref="EnqueueAsync"/> queues an event in the same order without a waiter (no completion to hand back,
/// no thread-pool hop back to a caller); a failure to write it goes to the caller's handler.</para>
/// </summary>
public sealed partial class HashChainAuditTrail : IAuditTrail, IAsyncDisposable
{
    private const int MaxConflictRetries = 5;

    private readonly IAuditStore _store;
    private readonly IAuditDeferredWork? _deferredStore;
    private readonly AuditSigningKey _signingKey;
    private readonly TimeProvider _time;
    private readonly AuditTrailOptions _options;
    private readonly IAuditRecordSink[] _sinks;
    private readonly Channel<AuditPending> _queue;
    private readonly PendingPool _pool;
    private readonly AuditTrailMetrics _metrics;
    private readonly Thread _writer;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _wake = new(false, 0);
    private readonly ITimer _checkpointTimer;
    private readonly AuditSha256.Hasher _sha256 = new(); // the leader's only (libcrypto's SHA256_* without the EVP overhead)
    private readonly AuditRecordEncoder _encoder = new(); // writer thread only
    private readonly DateTimeOffset _startedAt;
    private AuditChainHead? _head; // writer thread only
    private readonly Queue<DueCheckpoint> _due = new(); // due, not yet signed; leader only
    private readonly Queue<AuditCheckpointRow> _signed = new(); // signed, not yet stored; leader only
    private long _checkpointSequence; // the last checkpoint stored, signed or due
    private long _checkpointAtTicks; // ...and when it was taken (0: none yet)
    private long _timerBasisTicks; // the basis the writer's checkpoint timer was last armed for
    private bool _deferredFailed; // writer thread only: do not retry deferred work before the next good batch
    private readonly List<AuditPending> _batch; // the leader's only
    private readonly System.Collections.Concurrent.ConcurrentQueue<List<AuditRecordToStore>> _toPublish = new(); // in commit order
    private readonly bool _inline;
    private long _batches;
    private int _idle;
    private int _urgent; // a caller waits on the writer thread
    private int _flushArmed; // the writer sleeps with a deadline (HashChainAuditTrail.Flush.cs)
    private int _flushActivity; // something was queued or committed for it since its last tick
    private int _leader;
    private int _disposed;

    public HashChainAuditTrail(IAuditStore store, AuditSigningKey signingKey, TimeProvider time, AuditTrailOptions options, IEnumerable<IAuditRecordSink>? sinks = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!signingKey.HasPrivateKey)
        {
            throw new ArgumentException("the trail needs a private signing key", nameof(signingKey));
        }

        _store = store;
        _deferredStore = store as IAuditDeferredWork;
        _batch = new List<AuditPending>(options.MaxBatchSize);
        _inline = options.CallerCommits && _deferredStore is { CommitsInline: true };
        _sparseGapTicks = !_inline && options.CallerCommitMaxRate > 0 && _deferredStore is { CommitsInline: true }
            ? Math.Max(1, Stopwatch.Frequency / options.CallerCommitMaxRate)
            : 0;
        _gapAverage = 4 * _sparseGapTicks;
        _signingKey = signingKey;
        _time = time;
        _options = options;
        _sinks = sinks?.ToArray() ?? [];
        _startedAt = time.GetUtcNow();
        _metrics = new AuditTrailMetrics(meterFactory);
        _pool = new PendingPool(options.QueueCapacity, _metrics);
        _queue = Channel.CreateBounded<AuditPending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _checkpointTimer = time.CreateTimer(static s => ((HashChainAuditTrail)s!)._wake.Set(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "warden-audit-writer" };
        _writer.Start();
    }

    /// <summary>Group commits done so far (for tests and metrics).</summary>
    public long BatchesCommitted => Interlocked.Read(ref _batches);

    public ValueTask<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        Validate(auditEvent);
        var pending = _pool.Rent(auditEvent, null);
        if (_queue.Writer.TryWrite(pending))
        {
            if (_inline && TryLead())
            {
                LeadOneBatch(); // usually completes this caller's own event: no thread switch at all
            }
            else if (_inline || _sparseGapTicks == 0 || !ArrivalsSparse() || !CommitOnCallersThread(pending))
            {
                Volatile.Write(ref _urgent, 1);
                Wake();
            }

            return pending.AsValueTask(cancellationToken);
        }

        return WaitAndAppendAsync(pending, cancellationToken);
    }

    /// <summary>Queues the event without waiting for its commit; <paramref name="onFailure"/> runs on the writer if the commit fails.</summary>
    public ValueTask EnqueueAsync(AuditEvent auditEvent, Action<AuditEvent, Exception> onFailure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onFailure);
        Validate(auditEvent);
        var pending = _pool.Rent(auditEvent, onFailure);
        if (_queue.Writer.TryWrite(pending))
        {
            Queued();
            return ValueTask.CompletedTask;
        }

        return WaitAndQueueAsync(pending, cancellationToken);
    }

    // Refused here, at the caller, so that one bad event can never fail the other events of its batch in the writer.
    private static void Validate(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (string.IsNullOrWhiteSpace(auditEvent.Type))
        {
            throw new ArgumentException("an audit event needs a type", nameof(auditEvent));
        }

        if (auditEvent.LatencyMs is { } latency && !double.IsFinite(latency))
        {
            throw new ArgumentException("an audit event's latency must be a finite number", nameof(auditEvent));
        }
    }

    private async ValueTask<long> WaitAndAppendAsync(AuditPending pending, CancellationToken cancellationToken)
    {
        await WaitAndQueueAsync(pending, cancellationToken);
        return await pending.AsValueTask(cancellationToken);
    }

    private async ValueTask WaitAndQueueAsync(AuditPending pending, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            throw new AuditUnavailableException("the audit trail is shut down", ex);
        }

        if (pending.Awaited)
        {
            Volatile.Write(ref _urgent, 1);
            Wake();
        }
        else
        {
            Queued();
        }
    }

    // An event nobody waits for: committed by the next leader, or by the writer thread after EnqueuedFlushDelay.
    private void Queued()
    {
        if (_options.EnqueuedFlushDelay <= TimeSpan.Zero)
        {
            Volatile.Write(ref _urgent, 1);
            Wake();
        }
        else
        {
            ArmFlush();
        }
    }

    // The queue's lock (taken by TryWrite) orders this read after the item is visible, and the writer re-checks the
    // queue after announcing it is idle: either the writer sees the item or this sees the writer idle.
    private void Wake()
    {
        if (Volatile.Read(ref _idle) == 1 && Interlocked.Exchange(ref _idle, 0) == 1)
        {
            _wake.Set();
        }
    }

    /// <summary>Drains queued events, writes a final checkpoint and stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        _wake.Set();
        try
        {
            await _writerDone.Task;
        }
        finally
        {
            await _checkpointTimer.DisposeAsync();
            _wake.Dispose();
            _sha256.Dispose();
            _encoder.Dispose();
            _metrics.Dispose();
        }
    }
}
