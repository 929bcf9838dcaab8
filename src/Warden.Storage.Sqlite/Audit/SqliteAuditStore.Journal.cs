using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// The append journal (<see cref="SqliteAuditJournalOptions"/>; docs/audit.md, "The append journal"): a batch is
/// acknowledged once its frame is written to the journal (one <c>pwrite</c> under the journal's <c>flock</c>), and a
/// fold thread (SqliteAuditStore.JournalFold.cs) folds the journaled records, with the checkpoints queued behind them, into SQLite in one transaction within
/// <see cref="SqliteAuditJournalOptions.FoldInterval"/>. A fold never holds the trail's leadership. A fold that fails
/// makes the store fail closed (every append throws <see cref="AuditUnavailableException"/>) until a retry succeeds.
/// A store that finds another one owns the journal (another process, or a second store on the file) takes it over:
/// under the lock it folds that owner's frames (verified), writes a new epoch, and its caller re-chains
/// (<see cref="AuditConflictException"/>); the previous owner sees the new epoch at its next write and does the same.
/// In-process reads fold first. Lock order: <c>_foldLock</c>, <c>_journalLock</c>, the file lock, SQLite's writer.
/// </summary>
public sealed partial class SqliteAuditStore
{
    private readonly SqliteAuditJournalOptions? _journalOptions;
    private readonly Lock _journalLock = new(); // the journal file (and its flock: one per open file description) and the lists
    private readonly Lock _foldLock = new(); // one fold or takeover at a time
    private readonly List<AuditRecordToStore> _unfolded = [];
    private readonly List<AuditCheckpointRow> _unfoldedCheckpoints = [];
    private volatile SqliteAuditJournal? _journal;
    private readonly ManualResetEventSlim _foldWake = new(); // the first append after an idle period wakes the fold thread
    private readonly ManualResetEventSlim _foldStop = new();
    private Thread? _folder; // folds every interval while records arrive; sleeps after IdleTicks intervals with nothing to fold
    private bool _folderActive;
    private int _idleTicks;
    private Exception? _foldFailure; // set while folds fail: appends fail closed
    private int _failedFolds;
    private volatile bool _closing;

    /// <summary>Records acknowledged from the journal and not yet folded into SQLite (tests).</summary>
    internal int UnfoldedCount
    {
        get
        {
            lock (_journalLock)
            {
                return _unfolded.Count;
            }
        }
    }

    /// <summary>Opens the journal (once) and takes it over: what it holds beyond SQLite's head is verified and committed.</summary>
    private SqliteAuditJournal OpenJournal()
    {
        if (_journal is { } open)
        {
            return open;
        }

        lock (_foldLock)
        {
            lock (_journalLock)
            {
                if (_journal is not null)
                {
                    return _journal;
                }

                ObjectDisposedException.ThrowIf(_closing, this);
                _database.EnsureSchema(SqliteAuditSchema.Ddl);
                var journal = new SqliteAuditJournal(_journalOptions!.Path, _journalOptions.Capacity);
                _journal = journal;
                try
                {
                    TakeOverLocked();
                }
                catch
                {
                    _journal = null;
                    journal.Dispose();
                    throw;
                }

                _folder = new Thread(FoldLoop) { IsBackground = true, Name = "warden-audit-fold" };
                _folder.Start();
                return journal;
            }
        }
    }

    /// <summary>The leader's commit: one frame; a checkpoint queues behind the journaled records. False: the frame does not fit.</summary>
    private bool TryJournal(IReadOnlyList<AuditRecordToStore> records, AuditCheckpointRow? checkpoint)
    {
        var owner = true;
        var journal = OpenJournal();
        lock (_journalLock)
        {
            if (_foldFailure is { } failure)
            {
                throw FailClosed(failure);
            }

            if (records.Count > 0)
            {
                journal.Lock();
                try
                {
                    owner = journal.IsOwner();
                    if (owner && !journal.TryAppend(records))
                    {
                        return false;
                    }
                }
                finally
                {
                    journal.Unlock();
                }
            }

            if (owner)
            {
                _unfolded.AddRange(records);
                if (checkpoint is not null)
                {
                    _unfoldedCheckpoints.Add(checkpoint);
                }

                if (!_folderActive)
                {
                    // Under steady traffic the fold thread stays active and no append signals it (docs/bench/audit.md:
                    // re-arming a timer per fold, and a timer's hop through the thread pool, cost CPU per request).
                    _folderActive = true;
                    _idleTicks = 0;
                    _foldWake.Set();
                }
            }
        }

        if (!owner)
        {
            TakeOver(); // these records were chained on a head another store has moved: not written, the caller re-chains
            throw new AuditConflictException("another audit store folded the journal: the chain head moved");
        }

        return true;
    }

    /// <summary>The frame does not fit: everything journaled goes to SQLite first, then this batch, under the lock.</summary>
    private void CommitPastJournal(IReadOnlyList<AuditRecordToStore> records, AuditCheckpointRow? checkpoint)
    {
        lock (_foldLock)
        {
            lock (_journalLock)
            {
                FoldLocked(throwOnFailure: true);
                var journal = _journal!;
                journal.Lock();
                try
                {
                    if (journal.IsOwner())
                    {
                        CommitAsync(records, checkpoint is null ? [] : [checkpoint], CancellationToken.None).GetAwaiter().GetResult();
                        journal.Reset();
                        return;
                    }
                }
                finally
                {
                    journal.Unlock();
                }

                TakeOverLocked();
            }
        }

        throw new AuditConflictException("another audit store folded the journal: the chain head moved");
    }

    /// <summary>Takes the journal over unless this store owns it (folds the owner's frames, then a new epoch).</summary>
    private void TakeOver()
    {
        lock (_foldLock)
        {
            lock (_journalLock)
            {
                TakeOverLocked();
            }
        }
    }

    private void TakeOverLocked()
    {
        var journal = _journal!;
        var replayed = 0;
        journal.Lock();
        try
        {
            if (journal.IsOwner())
            {
                return;
            }

            // Whoever wrote the current epoch folded every frame of ours first: what this store had unfolded is in SQLite.
            _unfolded.Clear();
            _unfoldedCheckpoints.Clear();
            for (var attempt = 0; ; attempt++)
            {
                var missing = SqliteAuditJournalFrames.Verify(journal.ReadFrames(), ReadStoredHead(), StoredHash);
                try
                {
                    if (missing.Count > 0)
                    {
                        CommitAsync(missing, [], CancellationToken.None).GetAwaiter().GetResult();
                    }

                    replayed = missing.Count;
                    break;
                }
                catch (AuditConflictException) when (attempt < 3)
                {
                    // the previous owner's fold committed some of them meanwhile: read the head again
                }
            }

            journal.Reset();
            _foldFailure = null;
            _failedFolds = 0;
        }
        finally
        {
            journal.Unlock();
        }

        if (replayed > 0)
        {
            _metrics.JournalReplayed(replayed);
            _journalOptions!.Events?.Replayed(replayed);
        }
    }

    /// <summary>SQLite's head, advanced past the journaled records not yet folded; takes the journal over if another store owns it.</summary>
    private AuditChainHead ReadHead()
    {
        if (_journalOptions is null)
        {
            return ReadStoredHead();
        }

        var journal = OpenJournal();
        lock (_foldLock)
        {
            lock (_journalLock)
            {
                journal.Lock();
                bool owner;
                try
                {
                    owner = journal.IsOwner();
                }
                finally
                {
                    journal.Unlock();
                }

                if (!owner)
                {
                    TakeOverLocked();
                }

                var stored = ReadStoredHead();
                var last = _unfolded.Count > 0 ? _unfolded[^1] : null;
                var cp = _unfoldedCheckpoints.Count > 0 ? _unfoldedCheckpoints[^1] : null;
                return new AuditChainHead(last?.Sequence ?? stored.Sequence, last?.Hash ?? stored.Hash,
                    cp?.Sequence ?? stored.CheckpointSequence, cp?.Timestamp ?? stored.CheckpointTimestamp);
            }
        }
    }
}
