using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// The journal's fold (SqliteAuditStore.Journal.cs): the timer's, a reader's (in-process reads see every acknowledged
/// record) and dispose's. A failed fold leaves the records journaled and makes appends fail closed; the timer retries
/// with a back-off from the fold interval up to <see cref="SqliteAuditJournalOptions.MaxRetryInterval"/>.
/// </summary>
public sealed partial class SqliteAuditStore
{
    /// <summary>Folds now, as the timer would (tests); false when the fold failed.</summary>
    internal bool FoldNow()
    {
        lock (_foldLock)
        {
            return FoldLocked(throwOnFailure: false);
        }
    }

    /// <summary>Closes the journal without folding, as a killed process would leave it (tests).</summary>
    internal void AbandonJournal() => CloseJournal(fold: false);

    /// <summary>Intervals with nothing to fold before the fold thread sleeps until the next append.</summary>
    private const int IdleTicks = 8;

    /// <summary>
    /// The store's own thread (not a <see cref="TimeProvider"/> timer: a timer's callback hops through the thread pool,
    /// which measured ≈ 100 µs of extra CPU per request at 200 requests/s; docs/bench/audit.md). It sleeps one interval
    /// (the retry back-off after a failure), folds, and after <see cref="IdleTicks"/> empty intervals waits for an append.
    /// </summary>
    private void FoldLoop()
    {
        while (!_closing)
        {
            TimeSpan delay;
            lock (_journalLock)
            {
                if (!_folderActive && !_closing)
                {
                    _foldWake.Reset(); // under the lock that an append (or close) takes to set it: no lost wake-up
                }

                delay = _foldFailure is not null ? RetryDelay(_failedFolds) : _journalOptions!.FoldInterval;
            }

            _foldWake.Wait();
            if (_foldStop.Wait(delay))
            {
                return;
            }

            FoldTick();
        }
    }

    private void FoldTick()
    {
        bool folded;
        bool hadWork;
        lock (_foldLock)
        {
            if (_closing)
            {
                return;
            }

            lock (_journalLock)
            {
                hadWork = _unfolded.Count > 0 || _unfoldedCheckpoints.Count > 0;
            }

            folded = FoldLocked(throwOnFailure: false);
        }

        lock (_journalLock)
        {
            // A failed fold keeps the thread active; FoldLoop waits the back-off while _foldFailure is set.
            if (folded && (hadWork || _unfolded.Count > 0 || _unfoldedCheckpoints.Count > 0))
            {
                _idleTicks = 0;
            }
            else if (folded && ++_idleTicks >= IdleTicks)
            {
                _folderActive = false; // under the same lock as the append that activates it again
            }
        }
    }

    /// <summary>Everything journaled so far, in ONE SQLite transaction; on failure it stays queued and journaled, and the store fails closed.</summary>
    private bool FoldLocked(bool throwOnFailure)
    {
        List<AuditRecordToStore> records;
        List<AuditCheckpointRow> checkpoints;
        lock (_journalLock)
        {
            if (_unfolded.Count == 0 && _unfoldedCheckpoints.Count == 0)
            {
                return true;
            }

            records = [.. _unfolded];
            checkpoints = [.. _unfoldedCheckpoints];
        }

        try
        {
            CommitFold(records, checkpoints);
        }
#pragma warning disable CA1031 // whatever failed, the records stay journaled and the store fails closed until a fold succeeds
        catch (Exception ex)
#pragma warning restore CA1031
        {
            int failures;
            lock (_journalLock)
            {
                _foldFailure = ex;
                failures = ++_failedFolds;
            }

            _metrics.JournalFoldFailed();
            _journalOptions!.Events?.FoldFailed(ex, records.Count, RetryDelay(failures));
            return throwOnFailure ? throw FailClosed(ex) : false;
        }

        var recovered = 0;
        lock (_journalLock)
        {
            _unfolded.RemoveRange(0, records.Count);
            _unfoldedCheckpoints.RemoveRange(0, checkpoints.Count);
            if (_foldFailure is not null)
            {
                _foldFailure = null;
                recovered = _failedFolds;
            }

            _failedFolds = 0;
            if (_unfolded.Count == 0 && _journal!.Used >= _journalOptions!.ResetBytes)
            {
                _journal.Lock();
                try
                {
                    if (_journal.IsOwner())
                    {
                        _journal.Reset(); // every frame is in SQLite
                    }
                }
                finally
                {
                    _journal.Unlock();
                }
            }
        }

        if (recovered > 0)
        {
            _journalOptions!.Events?.FoldRecovered(recovered);
        }

        return true;
    }

    private void CommitFold(List<AuditRecordToStore> records, List<AuditCheckpointRow> checkpoints)
    {
        try
        {
            CommitAsync(records, checkpoints, CancellationToken.None).GetAwaiter().GetResult();
            return;
        }
        catch (AuditConflictException)
        {
            // Another store took the journal over and folded them meanwhile, or an earlier attempt landed: what is
            // stored must be exactly these records; the others are committed. A different record is a fork: fail closed.
        }

        var rest = new List<AuditRecordToStore>(records.Count);
        foreach (var r in records)
        {
            if (StoredHash(r.Sequence) is not { } stored)
            {
                rest.Add(r);
            }
            else if (!stored.AsSpan().SequenceEqual(r.Hash))
            {
                throw new AuditUnavailableException($"a journaled audit record conflicts with the stored record {r.Sequence}");
            }
        }

        CommitAsync(rest, checkpoints, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>In-process readers see every acknowledged record: what is journaled is folded first (throws when that fails).</summary>
    private void FoldForRead()
    {
        if (_journalOptions is null)
        {
            return;
        }

        lock (_journalLock)
        {
            if (_unfolded.Count == 0 && _unfoldedCheckpoints.Count == 0)
            {
                return;
            }
        }

        lock (_foldLock)
        {
            FoldLocked(throwOnFailure: true);
        }
    }

    private void CloseJournal(bool fold)
    {
        if (_journal is null)
        {
            return;
        }

        lock (_journalLock)
        {
            _closing = true;
            _foldStop.Set();
            _foldWake.Set();
        }

        if (_folder is not null && _folder != Thread.CurrentThread)
        {
            _folder.Join();
        }

        lock (_foldLock)
        {
            lock (_journalLock)
            {
                if (fold && FoldLocked(throwOnFailure: false) && _unfolded.Count == 0) // on failure the journal keeps them: folded at the next start
                {
                    _journal.Lock();
                    try
                    {
                        if (_journal.IsOwner())
                        {
                            _journal.Reset(); // everything is in SQLite: the next start has nothing to compare
                        }
                    }
                    finally
                    {
                        _journal.Unlock();
                    }
                }

                _journal?.Dispose();
                _journal = null;
            }
        }
    }

    private TimeSpan RetryDelay(int failures)
    {
        var o = _journalOptions!;
        var ticks = o.FoldInterval.Ticks << Math.Min(Math.Max(failures - 1, 0), 20);
        return TimeSpan.FromTicks(Math.Min(ticks, o.MaxRetryInterval.Ticks));
    }

    private static AuditUnavailableException FailClosed(Exception failure) =>
        new("the audit journal cannot be folded into SQLite: appends fail closed until a fold succeeds", failure);
}
