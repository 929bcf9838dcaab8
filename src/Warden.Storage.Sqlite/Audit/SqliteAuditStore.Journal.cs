using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// PROTOTYPE (branch <c>auditjournal</c>, not merged): with a journal path and <see cref="AuditDurability.Process"/>,
/// a batch is acknowledged once its frame is in <see cref="SqliteAuditJournal"/> (one <c>pwrite</c>); the store's own
/// fold thread moves the journaled records, and the checkpoints that came after them (kept in memory only), into SQLite
/// in one transaction every <see cref="FoldDelayMs"/>. It never holds the trail's leadership: a caller journals while a
/// fold commits. Start-up replays (verified) what SQLite lacks, then resets the journal.
/// </summary>
public sealed partial class SqliteAuditStore
{
    // 10 ms unless WARDEN_AUDIT_JOURNAL_FOLD_MS (prototype knob for the benchmark)
    private static readonly int FoldDelayMs =
        int.TryParse(Environment.GetEnvironmentVariable("WARDEN_AUDIT_JOURNAL_FOLD_MS"), out var ms) && ms > 0 ? ms : 10;

    private readonly string? _journalPath;
    private readonly Lock _journalLock = new();
    private readonly Lock _foldLock = new(); // one fold at a time (the fold thread, a caller finding the journal full, dispose)
    private readonly List<AuditRecordToStore> _unfolded = [];
    private readonly List<AuditCheckpointRow> _unfoldedCheckpoints = [];
    private SqliteAuditJournal? _journal;
    private Thread? _folder;
    private volatile bool _stopFolding;

    /// <summary>Opens the journal and folds into SQLite what it holds beyond SQLite's head (verified), then resets it.</summary>
    private void OpenJournal()
    {
        if (_journalPath is null || _journal is not null)
        {
            return;
        }

        var journal = new SqliteAuditJournal(_journalPath);
        try
        {
            var replay = journal.Replay(ReadStoredHead());
            if (replay.Count > 0)
            {
                CommitAsync(replay, [], CancellationToken.None).GetAwaiter().GetResult();
            }

            journal.Reset();
        }
        catch
        {
            journal.Dispose();
            throw;
        }

        _journal = journal;
        _folder = new Thread(FoldLoop) { IsBackground = true, Name = "warden-audit-fold" };
        _folder.Start();
    }

    /// <summary>The leader's commit: one frame; a checkpoint (or a store-only transaction) queues behind the journaled records.</summary>
    private bool TryJournal(IReadOnlyList<AuditRecordToStore> records, AuditCheckpointRow? checkpoint)
    {
        lock (_journalLock)
        {
            if (records.Count > 0 && !_journal!.TryAppend(records))
            {
                return false; // full: fold first, then commit this batch to SQLite directly
            }

            _unfolded.AddRange(records);
            if (checkpoint is not null)
            {
                _unfoldedCheckpoints.Add(checkpoint);
            }

            return true;
        }
    }

    private void FoldLoop()
    {
        while (!_stopFolding)
        {
            Thread.Sleep(FoldDelayMs);
            Fold();
        }
    }

    /// <summary>Everything journaled so far, in ONE SQLite transaction; on failure it stays queued (and journaled) for the next try.</summary>
    private void Fold()
    {
        lock (_foldLock)
        {
            FoldLocked();
        }
    }

    private void FoldLocked()
    {
        List<AuditRecordToStore> records;
        List<AuditCheckpointRow> checkpoints;
        lock (_journalLock)
        {
            if (_unfolded.Count == 0 && _unfoldedCheckpoints.Count == 0)
            {
                return;
            }

            records = [.. _unfolded];
            checkpoints = [.. _unfoldedCheckpoints];
        }

        try
        {
            CommitAsync(records, checkpoints, CancellationToken.None).GetAwaiter().GetResult();
        }
#pragma warning disable CA1031 // prototype: retried at the next tick (a conflict would retry forever)
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }

        lock (_journalLock)
        {
            _unfolded.RemoveRange(0, records.Count);
            _unfoldedCheckpoints.RemoveRange(0, checkpoints.Count);
            if (_unfolded.Count == 0)
            {
                _journal!.ResetIfLarge(); // everything journaled is in SQLite
            }
        }
    }

    /// <summary>SQLite's head, advanced past the journaled records not yet folded (no fold in between).</summary>
    private AuditChainHead ReadHead()
    {
        if (_journal is null)
        {
            return ReadStoredHead();
        }

        lock (_foldLock)
        {
            return JournalHead(ReadStoredHead());
        }
    }

    private AuditChainHead JournalHead(AuditChainHead stored)
    {
        lock (_journalLock)
        {
            if (_unfolded.Count == 0 && _unfoldedCheckpoints.Count == 0)
            {
                return stored;
            }

            var last = _unfolded.Count > 0 ? _unfolded[^1] : null;
            var cp = _unfoldedCheckpoints.Count > 0 ? _unfoldedCheckpoints[^1] : null;
            return new AuditChainHead(last?.Sequence ?? stored.Sequence, last?.Hash ?? stored.Hash,
                cp?.Sequence ?? stored.CheckpointSequence, cp?.Timestamp ?? stored.CheckpointTimestamp);
        }
    }

    private void CloseJournal()
    {
        if (_folder is not null)
        {
            _stopFolding = true;
            _folder.Join();
            _folder = null;
            Fold(); // what is left; on failure the journal still holds it: replayed at the next start
        }

        _journal?.Dispose();
        _journal = null;
    }
}
