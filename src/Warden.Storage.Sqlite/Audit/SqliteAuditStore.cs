using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// The embedded audit store: WAL mode, one long-lived writer connection, one transaction per group
/// commit through statements prepared once per connection. <see cref="AuditDurability.Process"/>
/// (default) commits with <c>synchronous=NORMAL</c> (survives a killed process, not a power loss);
/// <see cref="AuditDurability.PowerLoss"/> with <c>synchronous=FULL</c> (fsync per commit). A completed block's
/// Bloom filter is stored by the transaction after the one that completed it (<see cref="IAuditDeferredWork"/>).
/// With <see cref="SqliteAuditJournalOptions"/> (<see cref="AuditDurability.Process"/> only), batches are acknowledged
/// from an append journal and folded into SQLite by the store's fold thread (SqliteAuditStore.Journal.cs, .JournalFold.cs).
/// </summary>
public sealed partial class SqliteAuditStore : IAuditStore, IAuditContentStore, IAuditPageReader, IAuditDeferredWork, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TimeProvider _time;
    private readonly SqliteAuditMetrics _metrics;
    private SqliteConnection? _writer;
    private WriterStatements? _statements;
    private SqliteWalCheckpointer? _checkpointer;
    private int _pageSize = 4096; // the writer's, read when it opens

    public SqliteAuditStore(SqliteDatabase database, AuditDurability durability = AuditDurability.Process, TimeProvider? time = null, IMeterFactory? meterFactory = null, SqliteAuditJournalOptions? journal = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (!Enum.IsDefined(durability))
        {
            throw new ArgumentOutOfRangeException(nameof(durability));
        }

        if (journal is not null)
        {
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("the audit journal locks its file with flock (Linux, macOS)");
            }

            if (durability != AuditDurability.Process)
            {
                throw new ArgumentException("the audit journal is for Durability=Process only (a PowerLoss commit needs its fsync)", nameof(journal));
            }

            journal.Validate();
        }

        _database = database;
        Durability = durability;
        _time = time ?? TimeProvider.System;
        _metrics = new SqliteAuditMetrics(meterFactory);
        _journalOptions = journal;
    }

    /// <summary>When a committed batch counts as durable.</summary>
    public AuditDurability Durability { get; }

    /// <summary>
    /// A completed block's filter waits for the next transaction (read by the trail's writer only). With the journal,
    /// the fold transactions carry the filters.
    /// </summary>
    bool IAuditDeferredWork.HasDeferredWork => _journalOptions is null && _statements?.Blocks.HasPending == true;

    /// <summary>No fsync per commit: the trail lets a caller commit its own batch.</summary>
    bool IAuditDeferredWork.CommitsInline => Durability == AuditDurability.Process;

    /// <summary>The background WAL checkpointer, once the writer opened (tests).</summary>
    internal SqliteWalCheckpointer? WalCheckpointer => _checkpointer;

    /// <summary>WAL size at which the writer runs a <c>RESTART</c> checkpoint (tests lower it).</summary>
    internal long WalRestartBytes { get; init; } = SqliteWalCheckpointer.DefaultRestartBytes;

    /// <summary>WAL size from which the checkpointer runs a gated last pass (tests lower it).</summary>
    internal long WalGateBytes { get; init; } = SqliteWalCheckpointer.DefaultGateBytes;

    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        _database.EnsureSchema(SqliteAuditSchema.Ddl);
        if (_journalOptions is not null)
        {
            OpenJournal();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// What a commit adds to the WAL: SQLite writes every page the transaction changed as a whole frame (page + 24-byte
    /// header), however little of it changed. The records' rows go to the table's right-most leaf (always rewritten)
    /// and to new leaves once it is full; allocating a leaf also rewrites the table's interior page and page 1 (the
    /// file's size in its header); a checkpoint row rewrites its own table's leaf; a block's filter and time range (once
    /// per <see cref="SqliteAuditBlockFilter.BlockSize"/> records) a 4 KB blob with its overflow pages and two leaves.
    /// So a one-record commit of a 600-byte record writes ≈ 1.5 frames (≈ 6 KB), not its 600 bytes.
    /// </summary>
    internal static long WalBytes(IReadOnlyList<AuditRecordToStore> records, AuditCheckpointRow? checkpoint, bool blockFilter, int pageSize)
    {
        long rows = 0;
        foreach (var r in records)
        {
            var e = r.Event;
            // the row's cell: body, hash, the seq/ts integers, the text columns, the record header and cell pointer
            rows += r.Body.Length + r.Hash.Length + 16 + 24
                + Chars(e.Type) + Chars(e.AgentId) + Chars(e.OnBehalfOf) + Chars(e.TaskId) + Chars(e.Decision) + Chars(e.Provider);
        }

        // In page units × pageSize: the right-most leaf, the new leaves the rows fill, and (when a leaf is allocated,
        // in expectation for a small commit) the interior page and page 1.
        var pageUnits = pageSize + rows + 2 * Math.Min(pageSize, rows);
        long pages = 0;
        if (checkpoint is not null)
        {
            pages += 1 + (checkpoint.Body.Length + checkpoint.Signature.Length) / pageSize;
        }

        if (blockFilter)
        {
            pages += 2 + (SqliteAuditBlockFilter.Bytes + pageSize - 1) / pageSize + 2; // two leaves, the blob's pages, interior pages
        }

        var frame = pageSize + 24L;
        return pageUnits * frame / pageSize + pages * frame;

        static int Chars(string? value) => value?.Length ?? 0; // ids are ASCII in practice: an estimate, no UTF-8 pass per record
    }

    public Task AppendAsync(IReadOnlyList<AuditRecordToStore> records, AuditCheckpointRow? checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (_journalOptions is not null)
        {
            if (!TryJournal(records, checkpoint))
            {
                CommitPastJournal(records, checkpoint); // the frame does not fit: what the journal holds goes first
            }

            return Task.CompletedTask;
        }

        return CommitAsync(records, checkpoint is null ? [] : [checkpoint], cancellationToken);
    }

    private async Task CommitAsync(IReadOnlyList<AuditRecordToStore> records, List<AuditCheckpointRow> checkpoints, CancellationToken cancellationToken)
    {
        var checkpoint = checkpoints.Count > 0 ? checkpoints[^1] : null;
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var connection = Writer();
            var st = _statements!;
            var start = Stopwatch.GetTimestamp();
            var walCheckpoint = _checkpointer?.IsRunning == true;
            var committed = false;
            st.Begin(connection);
            try
            {
                var blockFilter = st.Blocks.HasPending;
                st.Blocks.FlushPending(connection, null); // the filter of the block the previous transaction completed
                foreach (var r in records)
                {
                    st.Insert(connection, r);
                    st.Blocks.Add(connection, null, r.Sequence, r.Timestamp.ToUnixTimeMilliseconds(), r.Event.AgentId, r.Event.OnBehalfOf, r.Event.TaskId);
                }

                foreach (var cp in checkpoints)
                {
                    st.InsertCheckpoint(connection, cp);
                }

                st.Commit(connection);
                committed = true;
                _checkpointer?.Committed(WalBytes(records, checkpoint, blockFilter, _pageSize));
                _metrics.Transaction(start, records.Count > 0, blockFilter, checkpoint is not null, walCheckpoint || _checkpointer?.IsRunning == true);
                if (_checkpointer?.TakeRestartRequest() == true)
                {
                    var restart = Stopwatch.GetTimestamp();
                    RestartWal(connection);
                    _metrics.WalRestart(restart);
                }
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode is 1555 or 2067)
            {
                throw new AuditConflictException("audit sequence number already taken", ex);
            }
            finally
            {
                if (!committed)
                {
                    st.Rollback(connection); // before the writer (and its statements) is dropped below
                }
            }
        }
        catch
        {
            DropWriter();
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose()
    {
        CloseJournal(fold: true);
        DropWriter();
        _checkpointer?.Dispose();
        _writeLock.Dispose();
        _foldWake.Dispose();
        _foldStop.Dispose();
        _metrics.Dispose();
    }

    /// <summary>What a WAL that is reused from its start gets truncated to (the writer's <c>journal_size_limit</c>).</summary>
    internal const long WalSizeLimit = 16L * 1024 * 1024;

    /// <summary>
    /// The backstop against a WAL that passive checkpoints never finish (see <see cref="SqliteWalCheckpointer"/>): a
    /// <c>RESTART</c> checkpoint on the writer's own connection right after a commit (that commit's callers wait for it:
    /// rare by design). Readers get a short busy timeout; a restart that is busy or fails is asked for again by a later
    /// checkpoint, and every commit is already durable in the WAL.
    /// </summary>
    private static void RestartWal(SqliteConnection connection)
    {
        // Runs after the batch committed: it must never throw, or committed records would be reported as failed.
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout=250; PRAGMA wal_checkpoint(RESTART);";
        Try(cmd); // busy or I/O trouble: the WAL still holds every commit
        cmd.CommandText = "PRAGMA busy_timeout=5000;";
        Try(cmd);

        static void Try(SqliteCommand cmd)
        {
            try
            {
                cmd.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
            }
        }
    }

    private SqliteConnection Writer()
    {
        if (_writer is null)
        {
            var connection = _database.Open();
            try
            {
                using (var cmd = connection.CreateCommand())
                {
                    // Checkpoints run on SqliteWalCheckpointer's connection, never inside a commit.
                    cmd.CommandText = (Durability == AuditDurability.PowerLoss ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;")
                        + " PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=" + WalSizeLimit + ";";
                    cmd.ExecuteNonQuery();
                    cmd.CommandText = "PRAGMA page_size;";
                    _pageSize = Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                }

                _checkpointer ??= new SqliteWalCheckpointer(_database, _time, TimeSpan.FromSeconds(1), _metrics, WalRestartBytes, _writeLock, WalGateBytes);

                var statements = new WriterStatements(connection);
                try
                {
                    statements.Blocks.CatchUp(connection);
                }
                catch
                {
                    statements.Dispose();
                    throw;
                }

                _statements = statements;
            }
            catch
            {
                connection.Dispose();
                throw;
            }

            _writer = connection;
        }

        return _writer;
    }

    private void DropWriter()
    {
        _statements?.Dispose();
        _statements = null;
        _writer?.Dispose();
        _writer = null;
    }

    private static void Check(SqliteConnection connection, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            var db = connection.Handle;
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(db));
        }
    }
}
