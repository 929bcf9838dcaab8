using System.Diagnostics;

namespace Warden.Core.Audit;

/// <summary>The trail's checkpoints: when one is due, noting it, signing it off the acknowledging path, storing it.</summary>
public sealed partial class HashChainAuditTrail
{
    /// <summary>When the last checkpoint (stored, signed or due) was taken; the start of the trail before the first.</summary>
    private long CheckpointBasisTicks => Volatile.Read(ref _checkpointAtTicks) is var t && t != 0 ? t : _startedAt.UtcTicks;

    /// <summary>How long until a time-based checkpoint is due (≤ 0: now), or null when every record is covered.</summary>
    private TimeSpan? CheckpointWait()
    {
        if (_head is not { } head || Volatile.Read(ref _checkpointSequence) >= head.Sequence)
        {
            return null;
        }

        return new DateTimeOffset(CheckpointBasisTicks, TimeSpan.Zero) + _options.CheckpointInterval - _time.GetUtcNow();
    }

    /// <summary>A caller-leader leaves records no checkpoint covers while the writer's timer does not know it yet.</summary>
    private bool TimerStale() =>
        _head is { } head && _checkpointSequence < head.Sequence && Volatile.Read(ref _timerBasisTicks) != CheckpointBasisTicks;

    /// <summary>Any leader, after a commit: notes the head when a checkpoint is due (cheap; the writer thread signs it).</summary>
    private void NoteCheckpointIfDue(AuditChainHead head, bool force)
    {
        if (_checkpointSequence >= head.Sequence)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (force || head.Sequence - _checkpointSequence >= _options.CheckpointEveryRecords
            || now - new DateTimeOffset(CheckpointBasisTicks, TimeSpan.Zero) >= _options.CheckpointInterval)
        {
            _due.Enqueue(new DueCheckpoint(head.Sequence, head.Hash, _checkpointSequence, now));
            Volatile.Write(ref _checkpointSequence, head.Sequence);
            Volatile.Write(ref _checkpointAtTicks, now.UtcTicks);
        }
    }

    /// <summary>Writer thread, while no caller waits: signs the due checkpoints (stored by the next transaction).</summary>
    private void SignDue()
    {
        while (_due.TryDequeue(out var due))
        {
            var start = Stopwatch.GetTimestamp();
            _signed.Enqueue(Sign(due.Sequence, due.Hash, due.Previous, due.At));
            _metrics.Sign(start);
        }
    }

    /// <summary>A transaction of deferred work only (the oldest signed checkpoint, the store's own), while no caller waits.</summary>
    private void WriteDeferred()
    {
        var start = Stopwatch.GetTimestamp();
        _signed.TryPeek(out var checkpoint);
        try
        {
            _store.AppendAsync([], checkpoint, CancellationToken.None).GetAwaiter().GetResult();
            if (checkpoint is not null)
            {
                _signed.Dequeue();
                if (_head is { } head)
                {
                    _head = head with { CheckpointSequence = checkpoint.Sequence, CheckpointTimestamp = checkpoint.Timestamp };
                }
            }

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

    /// <summary>Writer thread, nobody waiting: a checkpoint over the head when the interval passed (or at shutdown), signed and stored now.</summary>
    private void TryTimedCheckpoint(bool force)
    {
        if (_head is not { } head)
        {
            return;
        }

        NoteCheckpointIfDue(head, force);
        SignDue();
        while (_signed.Count > 0 && !_deferredFailed)
        {
            WriteDeferred();
        }
    }

    /// <summary>A checkpoint noted by a leader, signed later by the writer thread.</summary>
    private readonly record struct DueCheckpoint(long Sequence, byte[] Hash, long Previous, DateTimeOffset At);
}
