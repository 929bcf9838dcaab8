using System.Diagnostics;

namespace Warden.Core.Audit;

/// <summary>
/// The writing side of the trail. Exactly one leader at a time owns the chain state (head, hash, encoder, pending
/// checkpoint) and the store's writer: the writer thread, or (SQLite without an fsync per commit, appends arriving
/// sparsely: HashChainAuditTrail.Handoff.cs) an appending caller that found nobody leading and commits its own batch on
/// its own thread — no wake-up of another thread, no hop back.
/// Whatever a caller-leader leaves (events queued meanwhile, a checkpoint to sign, deferred bookkeeping) goes to the
/// writer thread, which does it while no caller waits.
/// </summary>
public sealed partial class HashChainAuditTrail
{
    private bool TryLead() => Volatile.Read(ref _leader) == 0 && Interlocked.CompareExchange(ref _leader, 1, 0) == 0;

    /// <summary>
    /// A caller leads (SQLite with <see cref="AuditDurability.Process"/>: a commit is a few writes into the page cache):
    /// it commits one batch, its own event included, on its own thread, then hands whatever is left (events queued
    /// meanwhile, deferred work) to the writer thread.
    /// </summary>
    private void LeadOneBatch()
    {
        try
        {
            DrainAndCommit();
        }
        finally
        {
            // Read while leading: the writer thread does it, off every caller's path. Queued events nobody waits for
            // (gateway.response) are left to the flush timer or the next leader.
            var more = HasDeferredWork || TimerStale();
            Interlocked.Exchange(ref _leader, 0);
            if (more || Volatile.Read(ref _urgent) == 1 || _queue.Reader.Completion.IsCompleted)
            {
                _wake.Set();
            }
        }
    }

    /// <summary>
    /// How long the oldest queued event may still wait (≤ 0: flush now), or null when the queue is empty. Events nobody
    /// waits for ride along with the next caller's commit for up to <see cref="AuditTrailOptions.EnqueuedFlushDelay"/>,
    /// so the writer thread rarely commits while a request wants to.
    /// </summary>
    private TimeSpan? FlushWait(System.Threading.Channels.ChannelReader<AuditPending> reader) =>
        reader.TryPeek(out var first) ? _options.EnqueuedFlushDelay - Stopwatch.GetElapsedTime(first.QueuedAt) : null;

    private bool DrainAndCommit()
    {
        _batch.Clear();
        while (_batch.Count < _options.MaxBatchSize && _queue.Reader.TryRead(out var p))
        {
            _batch.Add(p);
        }

        if (_batch.Count == 0)
        {
            return false;
        }

        Commit(_batch);
        _batch.Clear();
        return true;
    }

    private void WriteLoop()
    {
        try
        {
            var reader = _queue.Reader;
            while (true)
            {
                PublishCommitted();
                _wake.Reset();
                Interlocked.Exchange(ref _idle, 1);
                var due = CheckpointWait(); // read only by the leader, so racy here: a stale value costs one extra wake-up
                var flush = FlushWait(reader);
                if ((Volatile.Read(ref _urgent) == 1 || flush <= TimeSpan.Zero || HasDeferredWork || due <= TimeSpan.Zero || reader.Completion.IsCompleted) && TryLead())
                {
                    Volatile.Write(ref _idle, 0);
                    Volatile.Write(ref _urgent, 0); // cleared while leading: what was queued before is drained below
                    try
                    {
                        LeadUntilIdle();
                    }
                    finally
                    {
                        Interlocked.Exchange(ref _leader, 0);
                    }

                    if (reader.Completion.IsCompleted)
                    {
                        break;
                    }

                    continue;
                }

                // Nothing to do yet, or a caller leads (it sets _wake when it leaves work behind).
                if (due is { } wait && wait > TimeSpan.Zero && Volatile.Read(ref _timerBasisTicks) != CheckpointBasisTicks)
                {
                    // armed once per checkpoint basis (the due time only moves with it), not at every flush period
                    Volatile.Write(ref _timerBasisTicks, CheckpointBasisTicks);
                    _checkpointTimer.Change(wait, Timeout.InfiniteTimeSpan); // sets _wake when a timed checkpoint is due
                }

                var woken = _wake.Wait(FlushTimeout(flush));
                Volatile.Write(ref _idle, 0);
                if (!woken)
                {
                    FlushTick(reader);
                }
            }

            // Shut down: no new event can be queued; a caller still leading finishes its batch first.
            while (!TryLead())
            {
                Thread.Sleep(1);
            }

            while (DrainAndCommit())
            {
            }

            SignDue();
            while (HasDeferredWork)
            {
                WriteDeferred();
            }

            TryTimedCheckpoint(force: true);
            PublishCommitted();
        }
        finally
        {
            _writerDone.TrySetResult();
        }
    }

    /// <summary>The writer thread: every queued batch, then (nobody waiting) deferred work and a due timed checkpoint.</summary>
    private void LeadUntilIdle()
    {
        while (true)
        {
            if (DrainAndCommit())
            {
                PublishCommitted();
                SignDue(); // that batch's callers are released; the next transaction stores the checkpoint
                continue;
            }

            SignDue();
            if (HasDeferredWork)
            {
                WriteDeferred();
                continue;
            }

            if (CheckpointWait() is { } wait && wait <= TimeSpan.Zero)
            {
                TryTimedCheckpoint(force: false);
            }

            return;
        }
    }

    /// <summary>A checkpoint to sign or store, or the store's own deferred work: for the writer thread, when nobody waits.</summary>
    private bool HasDeferredWork => !_deferredFailed && (_due.Count > 0 || _signed.Count > 0 || _deferredStore is { HasDeferredWork: true });

    private AuditChainHead LoadHead()
    {
        var head = _store.ReadHeadAsync(CancellationToken.None).GetAwaiter().GetResult();
        Volatile.Write(ref _checkpointSequence, head.CheckpointSequence);
        Volatile.Write(ref _checkpointAtTicks, head.CheckpointTimestamp?.UtcTicks ?? 0);
        return head;
    }

    private void Commit(List<AuditPending> batch)
    {
        var start = Stopwatch.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                _head ??= LoadHead();
                var head = _head;
                var records = Chain(head, batch);
                var chained = Stopwatch.GetTimestamp();
                _signed.TryPeek(out var checkpoint); // signed after an earlier batch: rides along, never signed here
                _store.AppendAsync(records, checkpoint, CancellationToken.None).GetAwaiter().GetResult();
                var stored = Stopwatch.GetTimestamp();
                var last = records[^1];
                _head = new AuditChainHead(last.Sequence, last.Hash,
                    checkpoint?.Sequence ?? head.CheckpointSequence,
                    checkpoint?.Timestamp ?? head.CheckpointTimestamp);
                if (checkpoint is not null)
                {
                    _signed.Dequeue();
                }

                _deferredFailed = false;
                NoteCheckpointIfDue(_head, force: false);
                Interlocked.Increment(ref _batches);
                var queuedAt = 0L; // the oldest awaited event's: the wait for a writer (events nobody awaits wait on purpose)
                for (var i = 0; i < batch.Count; i++)
                {
                    if (queuedAt == 0 && batch[i].Awaited)
                    {
                        queuedAt = batch[i].QueuedAt;
                    }

                    batch[i].Complete(records[i].Sequence);
                }

                _metrics.Batch(batch.Count, queuedAt, start, chained, stored, Stopwatch.GetTimestamp());
                if (SinksEnabled())
                {
                    // Sinks run on the writer thread only, in commit order: never on a caller's path, and an export
                    // must not carry a request's trace or logging scope.
                    _toPublish.Enqueue(records);
                    if (Environment.CurrentManagedThreadId != _writer.ManagedThreadId)
                    {
                        ArmFlush();
                    }
                }

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

    // The head is unknown: a checkpoint not yet stored may name a chain another writer has since extended (its
    // prevSeq could be stale), so it is dropped; the re-read head decides when the next one is due.
    private void Reset()
    {
        _head = null;
        _due.Clear();
        _signed.Clear();
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
            var hash = new byte[32];
            _sha256.Hash(body, hash);
            records.Add(new AuditRecordToStore(seq, ts, p.Event, hash, body));
            prev = hash;
        }

        return records;
    }

    /// <summary>Writer thread: hands every committed batch not yet exported to the sinks, in commit order.</summary>
    private void PublishCommitted()
    {
        while (_toPublish.TryDequeue(out var records))
        {
            Publish(records);
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
}
