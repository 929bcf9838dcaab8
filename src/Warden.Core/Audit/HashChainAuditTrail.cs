using System.Security.Cryptography;
using System.Threading.Channels;

namespace Warden.Core.Audit;

/// <summary>
/// The tamper-evident trail. Concurrent <see cref="AppendAsync"/> callers are queued; one writer
/// drains the queue, chains the events (sequence, timestamp, previous hash, SHA-256 over canonical
/// JSON), signs a checkpoint when due, and commits the whole batch in ONE store transaction. Each
/// caller is released only after its batch is durable; if the store fails, every caller in the
/// batch gets <see cref="AuditUnavailableException"/> (fail closed).
/// <para><see cref="EnqueueAsync"/> queues an event in the same order without a waiter (no completion to hand back,
/// no thread-pool hop back to a caller); a failure to write it goes to the caller's handler.</para>
/// </summary>
public sealed class HashChainAuditTrail : IAuditTrail, IAsyncDisposable
{
    private const int MaxConflictRetries = 5;

    private readonly IAuditStore _store;
    private readonly AuditSigningKey _signingKey;
    private readonly TimeProvider _time;
    private readonly AuditTrailOptions _options;
    private readonly IAuditRecordSink[] _sinks;
    private readonly Channel<Pending> _queue;
    private readonly Task _writer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256); // writer task only
    private readonly DateTimeOffset _startedAt;
    private AuditChainHead? _head;
    private long _batches;
    private int _disposed;

    public HashChainAuditTrail(IAuditStore store, AuditSigningKey signingKey, TimeProvider time, AuditTrailOptions options, IEnumerable<IAuditRecordSink>? sinks = null)
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
        _signingKey = signingKey;
        _time = time;
        _options = options;
        _sinks = sinks?.ToArray() ?? [];
        _startedAt = time.GetUtcNow();
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Group commits done so far (for tests and metrics).</summary>
    public long BatchesCommitted => Interlocked.Read(ref _batches);

    public async ValueTask<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (string.IsNullOrWhiteSpace(auditEvent.Type))
        {
            throw new ArgumentException("an audit event needs a type", nameof(auditEvent));
        }

        var pending = new Pending(auditEvent, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously), null);
        await QueueAsync(pending, cancellationToken);
        return await pending.Completion!.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Queues the event without waiting for its commit; <paramref name="onFailure"/> runs on the writer if the commit fails.</summary>
    public ValueTask EnqueueAsync(AuditEvent auditEvent, Action<AuditEvent, Exception> onFailure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        ArgumentNullException.ThrowIfNull(onFailure);
        if (string.IsNullOrWhiteSpace(auditEvent.Type))
        {
            throw new ArgumentException("an audit event needs a type", nameof(auditEvent));
        }

        return QueueAsync(new Pending(auditEvent, null, onFailure), cancellationToken);
    }

    private ValueTask QueueAsync(Pending pending, CancellationToken cancellationToken) =>
        _queue.Writer.TryWrite(pending) ? ValueTask.CompletedTask : WaitAndQueueAsync(pending, cancellationToken);

    private async ValueTask WaitAndQueueAsync(Pending pending, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            throw new AuditUnavailableException("the audit trail is shut down", ex);
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
        try
        {
            await _writer;
        }
        finally
        {
            await _stopping.CancelAsync();
            _stopping.Dispose();
            _sha256.Dispose();
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(_options.MaxBatchSize);
        var reader = _queue.Reader;
        while (true)
        {
            bool more;
            var wait = CheckpointWait();
            if (wait is { } w)
            {
                using var timeout = new CancellationTokenSource(w, _time);
                try
                {
                    more = await reader.WaitToReadAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    await TryTimedCheckpointAsync();
                    continue;
                }
            }
            else
            {
                more = await reader.WaitToReadAsync();
            }

            if (!more)
            {
                break;
            }

            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var p))
            {
                batch.Add(p);
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch);
            }
        }

        await TryTimedCheckpointAsync(force: true);
    }

    /// <summary>How long until a time-based checkpoint is due, or null when nothing is unsigned.</summary>
    private TimeSpan? CheckpointWait()
    {
        if (_head is not { } head || head.Sequence == head.CheckpointSequence)
        {
            return null;
        }

        var due = (head.CheckpointTimestamp ?? _startedAt) + _options.CheckpointInterval - _time.GetUtcNow();
        return due > TimeSpan.Zero ? due : TimeSpan.FromMilliseconds(1);
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                _head ??= await _store.ReadHeadAsync(_stopping.Token);
                var head = _head;
                var records = Chain(head, batch);
                var last = records[^1];
                var now = _time.GetUtcNow();
                var checkpointDue = last.Sequence - head.CheckpointSequence >= _options.CheckpointEveryRecords
                    || now - (head.CheckpointTimestamp ?? _startedAt) >= _options.CheckpointInterval;
                var checkpoint = checkpointDue ? Sign(last.Sequence, last.Hash, head.CheckpointSequence, now) : null;
                await _store.AppendAsync(records, checkpoint, _stopping.Token);
                _head = new AuditChainHead(last.Sequence, last.Hash,
                    checkpoint?.Sequence ?? head.CheckpointSequence,
                    checkpoint?.Timestamp ?? head.CheckpointTimestamp);
                Interlocked.Increment(ref _batches);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion?.TrySetResult(records[i].Sequence);
                }

                Publish(records);
                return;
            }
            catch (AuditConflictException) when (attempt < MaxConflictRetries)
            {
                _head = null; // Another writer appended: re-read the head and re-chain.
            }
#pragma warning disable CA1031 // Any store failure must reach every waiting caller, never kill the writer.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _head = null; // The transaction may or may not have landed: re-read before the next batch.
                var failure = new AuditUnavailableException("the audit trail could not be written", ex);
                foreach (var p in batch)
                {
                    p.Fail(failure);
                }

                return;
            }
        }
    }

    private List<AuditRecordToStore> Chain(AuditChainHead head, List<Pending> batch)
    {
        var records = new List<AuditRecordToStore>(batch.Count);
        var seq = head.Sequence;
        var prev = head.Hash;
        var ts = _time.GetUtcNow();
        var formatted = AuditCanonicalJson.FormatTimestamp(ts);
        foreach (var p in batch)
        {
            seq++;
            var body = AuditCanonicalJson.Encode(seq, formatted, Convert.ToHexStringLower(prev), p.Event);
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

    private async Task TryTimedCheckpointAsync(bool force = false)
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
            await _store.AppendAsync([], checkpoint, _stopping.Token);
            _head = head with { CheckpointSequence = checkpoint.Sequence, CheckpointTimestamp = now };
        }
#pragma warning disable CA1031 // A missed timed checkpoint is retried on the next batch; it must not stop the writer.
        catch (Exception)
#pragma warning restore CA1031
        {
            _head = null;
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

    /// <summary>One queued event: awaited (<see cref="Completion"/>) or queued only (<paramref name="onFailure"/>).</summary>
    private sealed class Pending(AuditEvent auditEvent, TaskCompletionSource<long>? completion, Action<AuditEvent, Exception>? onFailure)
    {
        public AuditEvent Event { get; } = auditEvent;

        public TaskCompletionSource<long>? Completion { get; } = completion;

        public void Fail(Exception failure)
        {
            if (Completion is not null)
            {
                Completion.TrySetException(failure);
                return;
            }

            try
            {
                onFailure?.Invoke(Event, failure);
            }
#pragma warning disable CA1031 // a failing handler must not stop the writer
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
