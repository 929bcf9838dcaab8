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
/// <para>The writer runs on its own thread and sleeps on an event that the first append after it went idle sets, so
/// its wake-up never waits in the thread pool's queue behind request work; callers' continuations always run on the
/// thread pool, never on the writer. Work that acknowledges nobody stays out of the acknowledging transaction: a due
/// checkpoint is signed after the batch's callers were released and stored by the next transaction (or by one of its
/// own as soon as no caller waits); a store's deferred bookkeeping (<see cref="IAuditDeferredWork"/>) likewise. A crash
/// in between loses only that checkpoint, which is signed again (records are never ahead of nothing: a checkpoint is
/// always stored with or after the record it names).</para>
/// <para><see cref="EnqueueAsync"/> queues an event in the same order without a waiter (no completion to hand back,
/// no thread-pool hop back to a caller); a failure to write it goes to the caller's handler.</para>
/// </summary>
public sealed class HashChainAuditTrail : IAuditTrail, IAsyncDisposable
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
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256); // writer thread only
    private readonly AuditRecordEncoder _encoder = new(); // writer thread only
    private readonly DateTimeOffset _startedAt;
    private AuditChainHead? _head; // writer thread only
    private AuditCheckpointRow? _pendingCheckpoint; // signed, not yet stored; writer thread only
    private bool _deferredFailed; // writer thread only: do not retry deferred work before the next good batch
    private long _batches;
    private int _idle;
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
            Wake();
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
            Wake();
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

        Wake();
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

    private void WriteLoop()
    {
        try
        {
            var batch = new List<AuditPending>(_options.MaxBatchSize);
            var reader = _queue.Reader;
            while (true)
            {
                batch.Clear();
                while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var p))
                {
                    batch.Add(p);
                }

                if (batch.Count > 0)
                {
                    Commit(batch);
                    continue;
                }

                // Idle: nobody waits, so this is the moment for work that acknowledges no caller.
                if (HasDeferredWork)
                {
                    WriteDeferred();
                    continue;
                }

                if (reader.Completion.IsCompleted)
                {
                    break;
                }

                if (CheckpointWait() is { } wait && wait <= TimeSpan.Zero)
                {
                    TryTimedCheckpoint(force: false);
                    continue;
                }

                Sleep(reader);
            }

            if (HasDeferredWork)
            {
                WriteDeferred();
            }

            TryTimedCheckpoint(force: true);
        }
        finally
        {
            _writerDone.TrySetResult();
        }
    }

    private bool HasDeferredWork => !_deferredFailed && (_pendingCheckpoint is not null || _deferredStore is { HasDeferredWork: true });

    private void Sleep(ChannelReader<AuditPending> reader)
    {
        _wake.Reset();
        Interlocked.Exchange(ref _idle, 1);
        if (reader.TryPeek(out _) || reader.Completion.IsCompleted)
        {
            Volatile.Write(ref _idle, 0);
            return;
        }

        if (CheckpointWait() is { } wait)
        {
            _checkpointTimer.Change(wait, Timeout.InfiniteTimeSpan); // sets _wake when a timed checkpoint is due
        }

        _wake.Wait();
        Volatile.Write(ref _idle, 0);
    }

    /// <summary>How long until a time-based checkpoint is due (≤ 0: now), or null when nothing is unsigned.</summary>
    private TimeSpan? CheckpointWait()
    {
        if (_head is not { } head || head.Sequence == head.CheckpointSequence)
        {
            return null;
        }

        return (head.CheckpointTimestamp ?? _startedAt) + _options.CheckpointInterval - _time.GetUtcNow();
    }

    private void Commit(List<AuditPending> batch)
    {
        var start = Stopwatch.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                _head ??= _store.ReadHeadAsync(CancellationToken.None).GetAwaiter().GetResult();
                var head = _head;
                var records = Chain(head, batch);
                var chained = Stopwatch.GetTimestamp();
                var checkpoint = _pendingCheckpoint; // signed after an earlier batch: rides along, never signed here
                _store.AppendAsync(records, checkpoint, CancellationToken.None).GetAwaiter().GetResult();
                var stored = Stopwatch.GetTimestamp();
                var last = records[^1];
                _head = new AuditChainHead(last.Sequence, last.Hash,
                    checkpoint?.Sequence ?? head.CheckpointSequence,
                    checkpoint?.Timestamp ?? head.CheckpointTimestamp);
                _pendingCheckpoint = null;
                _deferredFailed = false;
                Interlocked.Increment(ref _batches);
                var queuedAt = batch[0].QueuedAt;
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Complete(records[i].Sequence);
                }

                _metrics.Batch(batch.Count, queuedAt, start, chained, stored, Stopwatch.GetTimestamp());
                Publish(records);
                SignIfDue();
                return;
            }
            catch (AuditConflictException) when (attempt < MaxConflictRetries)
            {
                Reset(); // Another writer appended: re-read the head and re-chain.
            }
#pragma warning disable CA1031 // Any store failure must reach every waiting caller, never kill the writer.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Reset(); // The transaction may or may not have landed: re-read before the next batch.
                var failure = new AuditUnavailableException("the audit trail could not be written", ex);
                foreach (var p in batch)
                {
                    p.Fail(failure);
                }

                return;
            }
        }
    }

    // The head is unknown: a signed-but-unstored checkpoint may name a chain another writer has since extended
    // (its prevSeq could be stale), so it is dropped and signed again once due.
    private void Reset()
    {
        _head = null;
        _pendingCheckpoint = null;
    }

    /// <summary>After the callers were released: sign the head when a checkpoint is due (stored by the next transaction).</summary>
    private void SignIfDue()
    {
        if (_pendingCheckpoint is not null || _head is not { } head || head.Sequence == head.CheckpointSequence)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (head.Sequence - head.CheckpointSequence >= _options.CheckpointEveryRecords
            || now - (head.CheckpointTimestamp ?? _startedAt) >= _options.CheckpointInterval)
        {
            var start = Stopwatch.GetTimestamp();
            _pendingCheckpoint = Sign(head.Sequence, head.Hash, head.CheckpointSequence, now);
            _metrics.Sign(start);
        }
    }

    /// <summary>A transaction of deferred work only (the pending checkpoint, the store's own), while no caller waits.</summary>
    private void WriteDeferred()
    {
        var start = Stopwatch.GetTimestamp();
        var checkpoint = _pendingCheckpoint;
        try
        {
            _store.AppendAsync([], checkpoint, CancellationToken.None).GetAwaiter().GetResult();
            if (checkpoint is not null && _head is { } head)
            {
                _head = head with { CheckpointSequence = checkpoint.Sequence, CheckpointTimestamp = checkpoint.Timestamp };
            }

            _pendingCheckpoint = null;
            _metrics.DeferredWrite(start);
        }
#pragma warning disable CA1031 // Retried with the next batch; it must not stop the writer.
        catch (Exception)
#pragma warning restore CA1031
        {
            Reset();
            _deferredFailed = true;
        }
    }

    private List<AuditRecordToStore> Chain(AuditChainHead head, List<AuditPending> batch)
    {
        var records = new List<AuditRecordToStore>(batch.Count);
        var seq = head.Sequence;
        var prev = head.Hash;
        var ts = _time.GetUtcNow();
        var formatted = AuditCanonicalJson.FormatTimestamp(ts);
        foreach (var p in batch)
        {
            seq++;
            var body = _encoder.Encode(seq, formatted, prev, p.Event);
            _sha256.AppendData(body);
            var hash = _sha256.GetHashAndReset();
            records.Add(new AuditRecordToStore(seq, ts, p.Event, hash, body));
            prev = hash;
        }

        return records;
    }

    private AuditCheckpointRow Sign(long sequence, byte[] headHash, long previousCheckpoint, DateTimeOffset now)
    {
        var body = AuditCanonicalJson.Encode(new AuditCheckpoint
        {
            KeyId = _signingKey.KeyId,
            Sequence = sequence,
            Head = Convert.ToHexStringLower(headHash),
            PreviousCheckpointSequence = previousCheckpoint,
            Timestamp = AuditCanonicalJson.FormatTimestamp(now),
        });
        return new AuditCheckpointRow(sequence, now, body, _signingKey.Sign(body));
    }

    private void TryTimedCheckpoint(bool force)
    {
        try
        {
            if (_head is not { } head || head.Sequence == head.CheckpointSequence)
            {
                return;
            }

            var now = _time.GetUtcNow();
            if (!force && now - (head.CheckpointTimestamp ?? _startedAt) < _options.CheckpointInterval)
            {
                return;
            }

            var checkpoint = Sign(head.Sequence, head.Hash, head.CheckpointSequence, now);
            _store.AppendAsync([], checkpoint, CancellationToken.None).GetAwaiter().GetResult();
            _head = head with { CheckpointSequence = checkpoint.Sequence, CheckpointTimestamp = now };
        }
#pragma warning disable CA1031 // A missed timed checkpoint is retried on the next batch; it must not stop the writer.
        catch (Exception)
#pragma warning restore CA1031
        {
            Reset();
        }
    }

    private void Publish(List<AuditRecordToStore> records)
    {
        foreach (var sink in _sinks)
        {
            try
            {
                sink.OnCommitted(records);
            }
#pragma warning disable CA1031 // Export is best effort; the record is already durable.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    /// <summary>Recycled <see cref="AuditPending"/> objects (at most the queue's capacity are kept).</summary>
    internal sealed class PendingPool(int capacity, AuditTrailMetrics metrics)
    {
        private readonly Stack<AuditPending> _free = new();
        private readonly Lock _lock = new();

        public AuditTrailMetrics Metrics { get; } = metrics;

        public AuditPending Rent(AuditEvent auditEvent, Action<AuditEvent, Exception>? onFailure)
        {
            AuditPending? pending;
            lock (_lock)
            {
                _free.TryPop(out pending);
            }

            pending ??= new AuditPending(this);
            pending.Init(auditEvent, onFailure, Stopwatch.GetTimestamp());
            return pending;
        }

        public void Return(AuditPending pending)
        {
            lock (_lock)
            {
                if (_free.Count < capacity)
                {
                    _free.Push(pending);
                }
            }
        }
    }
}
