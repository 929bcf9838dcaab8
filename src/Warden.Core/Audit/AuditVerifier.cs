using System.Text.Json;

namespace Warden.Core.Audit;

/// <summary>
/// Checks the whole chain and every checkpoint with only the public key, and names the FIRST bad
/// record and the kind of tampering: changed, deleted, inserted, reordered, truncated after a
/// checkpoint, forged or deleted checkpoint.
/// </summary>
public sealed class AuditVerifier(IAuditStore store, AuditSigningKey publicKey)
{
    /// <summary>Rows read per store round trip.</summary>
    public int PageSize { get; init; } = 8192;

    public async Task<AuditVerificationResult> VerifyAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(publicKey);
        var checkpoints = await store.ReadCheckpointsAsync(cancellationToken);
        var cursor = new AuditRowCursor(store, PageSize);
        try
        {
            return await VerifyAsync(checkpoints, cursor, cancellationToken);
        }
        finally
        {
            // A verdict (a tampered record) can come while the next page is still being read on another thread: that
            // read must end before this returns, or the caller may close or delete the store under it.
            await cursor.DisposeAsync();
        }
    }

    private async Task<AuditVerificationResult> VerifyAsync(IReadOnlyList<AuditCheckpointRow> checkpoints, AuditRowCursor cursor, CancellationToken cancellationToken)
    {
        var state = new State();
        var computed = new byte[32];
        var bodyPrev = new byte[32];
        var nextPrev = new byte[32];
        var ci = 0;

        while (await cursor.NextAsync(cancellationToken))
        {
            var rowSequence = cursor.CurrentSequence;
            cursor.CurrentHash.CopyTo(computed); // SHA-256 of the stored bytes, computed for the whole page in parallel
            if (!computed.AsSpan().SequenceEqual(cursor.CurrentStoredHash))
            {
                return state.Fail(AuditTamperKind.ChangedRecord, rowSequence, $"record {rowSequence} was changed: its stored hash does not match its content");
            }

            if (!cursor.CurrentHeader(out var bs, bodyPrev))
            {
                return state.Fail(AuditTamperKind.ChangedRecord, rowSequence, $"record {rowSequence} was changed: it is not canonical audit JSON");
            }

            var e = state.Expected;
            if (bs == e && bodyPrev.AsSpan().SequenceEqual(state.Prev))
            {
                if (rowSequence != bs)
                {
                    return state.Fail(AuditTamperKind.ChangedRecord, rowSequence, $"record {bs} was changed: its sequence column says {rowSequence}");
                }

                state.Accept(computed);
                while (ci < checkpoints.Count && checkpoints[ci].Sequence <= bs)
                {
                    var failure = await CheckCheckpointAsync(checkpoints[ci], state, cursor, nextPrev, cancellationToken);
                    if (failure is not null)
                    {
                        return failure;
                    }

                    ci++;
                }

                continue;
            }

            if (state.PrevPrev is { } pp && bs == e - 1 && bodyPrev.AsSpan().SequenceEqual(pp))
            {
                return state.Fail(AuditTamperKind.InsertedRecord, e - 1, $"record {e - 1} was inserted: the record after it links to record {e - 2}");
            }

            if (bs == e)
            {
                if (await cursor.PeekAsync(cancellationToken) is { } next
                    && AuditCanonicalJson.TryReadHeader(next.Body, out _, nextPrev) && nextPrev.AsSpan().SequenceEqual(state.Prev))
                {
                    return state.Fail(AuditTamperKind.InsertedRecord, rowSequence, $"record at {rowSequence} was inserted: it does not link to record {e - 1} and the next record skips it");
                }

                var bad = state.LastCheckpoint == e - 1 ? e : e - 1;
                return state.Fail(AuditTamperKind.ChangedRecord, bad, $"record {bad} was changed: record {e} commits to a different hash for record {e - 1}");
            }

            if (bs > e)
            {
                return await cursor.ContainsLaterAsync(e, cancellationToken)
                    ? state.Fail(AuditTamperKind.ReorderedRecords, e, $"records were reordered: position {e} holds record {bs}")
                    : state.Fail(AuditTamperKind.DeletedRecord, e, bs - e == 1 ? $"record {e} was deleted" : $"records {e}..{bs - 1} were deleted");
            }

            return state.Fail(AuditTamperKind.ReorderedRecords, e, $"records were reordered: position {e} holds record {bs}");
        }

        if (ci < checkpoints.Count)
        {
            var cp = checkpoints[ci];
            if (!TryReadCheckpoint(cp, out var parsed) || parsed.Sequence != cp.Sequence)
            {
                return state.Fail(AuditTamperKind.ForgedCheckpoint, cp.Sequence, $"checkpoint at {cp.Sequence} is forged: its signature does not verify");
            }

            return state.Fail(AuditTamperKind.Truncated, state.Expected,
                $"the chain was truncated: it ends at record {state.Expected - 1} but checkpoint {cp.Sequence} was signed over record {cp.Sequence}");
        }

        return state.Ok(checkpoints.Count);
    }

    private async Task<AuditVerificationResult?> CheckCheckpointAsync(AuditCheckpointRow cp, State state, AuditRowCursor cursor, byte[] nextPrev, CancellationToken cancellationToken)
    {
        if (!TryReadCheckpoint(cp, out var parsed) || parsed.Sequence != cp.Sequence)
        {
            return state.Fail(AuditTamperKind.ForgedCheckpoint, cp.Sequence, $"checkpoint at {cp.Sequence} is forged: its signature does not verify with key {publicKey.KeyId}");
        }

        if (parsed.PreviousCheckpointSequence != state.LastCheckpoint)
        {
            return state.Fail(AuditTamperKind.DeletedCheckpoint, parsed.PreviousCheckpointSequence,
                $"a checkpoint was deleted: checkpoint {cp.Sequence} follows checkpoint {parsed.PreviousCheckpointSequence}, which is missing");
        }

        if (cp.Sequence != state.Expected - 1)
        {
            return state.Fail(AuditTamperKind.ForgedCheckpoint, cp.Sequence, $"checkpoint at {cp.Sequence} names no record of the chain");
        }

        if (!string.Equals(parsed.Head, Convert.ToHexStringLower(state.Prev), StringComparison.Ordinal))
        {
            // If the next record still links to the signed head, only the record at the checkpoint changed.
            if (await cursor.PeekAsync(cancellationToken) is { } next
                && AuditCanonicalJson.TryReadHeader(next.Body, out _, nextPrev)
                && string.Equals(parsed.Head, Convert.ToHexStringLower(nextPrev), StringComparison.Ordinal))
            {
                return state.Fail(AuditTamperKind.ChangedRecord, cp.Sequence, $"record {cp.Sequence} was changed: it no longer matches signed checkpoint {cp.Sequence}");
            }

            var from = state.LastCheckpoint + 1;
            return state.Fail(AuditTamperKind.ChangedRecord, from,
                $"records {from}..{cp.Sequence} were rewritten: the chain head no longer matches signed checkpoint {cp.Sequence}");
        }

        state.Checkpoint(cp.Sequence);
        return null;
    }

    private bool TryReadCheckpoint(AuditCheckpointRow cp, out AuditCheckpoint parsed)
    {
        parsed = null!;
        if (!publicKey.Verify(cp.Body, cp.Signature))
        {
            return false;
        }

        try
        {
            parsed = AuditCanonicalJson.ParseCheckpoint(cp.Body);
            return string.Equals(parsed.KeyId, publicKey.KeyId, StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed class State
    {
        public long Expected { get; private set; } = 1;

        public byte[] Prev { get; private set; } = new byte[32];

        public byte[]? PrevPrev { get; private set; }

        public long LastCheckpoint { get; private set; }

        public int CheckpointsChecked { get; private set; }

        public void Accept(byte[] hash)
        {
            var recycled = PrevPrev ?? new byte[32];
            PrevPrev = Prev;
            hash.CopyTo(recycled, 0);
            Prev = recycled;
            Expected++;
        }

        public void Checkpoint(long sequence)
        {
            LastCheckpoint = sequence;
            CheckpointsChecked++;
        }

        public AuditVerificationResult Fail(AuditTamperKind kind, long sequence, string message) => new()
        {
            Kind = kind,
            FirstBadSequence = sequence,
            Message = message,
            RecordsChecked = Expected - 1,
            CheckpointsChecked = CheckpointsChecked,
            LastSequence = Expected - 1,
        };

        public AuditVerificationResult Ok(int checkpoints) => new()
        {
            Kind = AuditTamperKind.None,
            Message = $"ok: {Expected - 1} records, {checkpoints} checkpoints verified",
            RecordsChecked = Expected - 1,
            CheckpointsChecked = CheckpointsChecked,
            LastSequence = Expected - 1,
        };
    }
}
