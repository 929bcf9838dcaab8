using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Storage.Tests.Audit;

/// <summary>Commits never run SQLite's checkpoint themselves; the background checkpointer folds the WAL in.</summary>
public sealed class SqliteWalCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("warden-wal-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Appends_BeyondAutoCheckpointSize_WalFoldedOnlyByTheTimer()
    {
        var (db, store) = await OpenAsync();
        using var disposeStore = store;
        var mainBefore = new FileInfo(db.Path).Length;

        // ≈ 8 MB of records: far past SQLite's 1,000-page automatic checkpoint.
        var body = new byte[4096];
        for (var batch = 0; batch < 40; batch++)
        {
            var records = Enumerable.Range(batch * 50, 50)
                .Select(i => new AuditRecordToStore(i + 1, _time.GetUtcNow(), new AuditEvent { Type = "gateway.request" }, new byte[32], body))
                .ToList();
            await store.AppendAsync(records, null, CancellationToken.None);
        }

        var wal = new FileInfo(db.Path + "-wal").Length;
        Assert.True(wal > 4 * 1024 * 1024, $"the WAL holds the commits ({wal} bytes)");
        Assert.True(new FileInfo(db.Path).Length < mainBefore + (1024 * 1024), "no commit checkpointed into the database file");

        // The timer only wakes the checkpointer's own thread: wait for that checkpoint to finish.
        var done = store.WalCheckpointer!.Completed;
        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 500 && store.WalCheckpointer.Completed == done; i++)
        {
            await Task.Delay(10);
        }

        Assert.True(new FileInfo(db.Path).Length > 4 * 1024 * 1024, "the timer's passive checkpoint copied the WAL into the database file");
        Assert.Equal(2000, (await store.ReadHeadAsync(CancellationToken.None)).Sequence);
    }

    [Fact]
    public async Task SmallCommits_CheckpointedOnlyAfterMaxInterval()
    {
        var (db, store) = await OpenAsync();
        using var disposeStore = store;
        var records = Enumerable.Range(0, 20)
            .Select(i => new AuditRecordToStore(i + 1, _time.GetUtcNow(), new AuditEvent { Type = "gateway.request" }, new byte[32], new byte[600]))
            .ToList();
        await store.AppendAsync(records, null, CancellationToken.None);
        var checkpointer = store.WalCheckpointer!;
        var done = checkpointer.Completed;

        // A tick with a few KB in the WAL: the thread wakes and leaves the WAL alone.
        await TickAsync(_time, checkpointer, TimeSpan.FromSeconds(1));
        Assert.Equal(done, checkpointer.Completed);

        // Once MaxInterval has passed since the last checkpoint, the next tick folds it.
        await TickAsync(_time, checkpointer, SqliteWalCheckpointer.MaxInterval);
        Assert.Equal(done + 1, checkpointer.Completed);

        // Nothing new committed: later ticks do nothing.
        await TickAsync(_time, checkpointer, SqliteWalCheckpointer.MaxInterval);
        Assert.Equal(done + 1, checkpointer.Completed);
    }

    [Fact]
    public async Task Checkpoint_FirstPassCannotCopyEverything_CatchUpPassDoes_WalReusedFromItsStart()
    {
        var (db, store) = await OpenAsync();
        using var disposeStore = store;
        var seq = 0L;
        for (var i = 0; i < 200; i++)
        {
            await store.AppendAsync([Record(++seq)], null, CancellationToken.None);
        }

        // Frames the first pass cannot copy (as commits landing while it runs): a reader's snapshot predates them.
        // The reader is gone before the second pass, so a catch-up pass copies them.
        var reader = db.Open();
        var read = reader.BeginTransaction(deferred: true);
        Assert.Equal(200L, Count(reader, read));
        for (var i = 0; i < 5; i++)
        {
            await store.AppendAsync([Record(++seq)], null, CancellationToken.None);
        }

        var checkpointer = store.WalCheckpointer!;
        checkpointer.AfterPass = () =>
        {
            read.Dispose();
            reader.Dispose();
        };
        checkpointer.Run();
        checkpointer.AfterPass = null;
        await store.AppendAsync([Record(++seq)], null, CancellationToken.None);

        // Reused from its start, the WAL holds only the last commit's frames; after one pass it would hold them all.
        Assert.InRange(WalFrames(db), 1, 8);
        Assert.Equal(0, checkpointer.RestartRequests);
        Assert.Equal(seq, (await store.ReadHeadAsync(CancellationToken.None)).Sequence);
    }

    private static long Count(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "SELECT count(*) FROM audit_records";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<long> AppendRecordsAsync(SqliteAuditStore store, long seq, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await store.AppendAsync([Record(++seq)], null, CancellationToken.None);
        }

        return seq;
    }

    /// <summary>
    /// Opens a reader's snapshot over the first 100 records, commits 50 more and runs the checkpointer while the snapshot
    /// is open: the pass cannot copy the frames committed after it. Returns the last sequence number.
    /// </summary>
    private async Task<long> RunPinnedByAReaderAsync(SqliteDatabase db, SqliteAuditStore store, long seq)
    {
        using var reader = db.Open();
        using var read = reader.BeginTransaction(deferred: true);
        Assert.Equal(100L, Count(reader, read));
        seq = await AppendRecordsAsync(store, seq, 50);
        store.WalCheckpointer!.Run();
        return seq;
    }

    [Fact]
    public async Task Checkpoint_PassesCannotCatchUp_WriterRestartsTheWal()
    {
        var db = new SqliteDatabase(Path.Combine(_dir, "audit.db"));
        using var store = new SqliteAuditStore(db, AuditDurability.Process, _time) { WalRestartBytes = 64 * 1024 };
        await store.EnsureCreatedAsync(CancellationToken.None);
        var seq = await AppendRecordsAsync(store, 0, 100);

        // A reader's open snapshot (an export, a verify) keeps every pass from copying the frames committed after it,
        // as a dense commit stream does: the passes never catch up and the WAL only grows.
        var checkpointer = store.WalCheckpointer!;
        seq = await RunPinnedByAReaderAsync(db, store, seq);

        Assert.Equal(1, checkpointer.RestartRequests);
        Assert.True(WalFrames(db) > 100, "nothing reset the WAL yet");

        // The writer's next commit runs the RESTART checkpoint; the commit after it starts the WAL over.
        await store.AppendAsync([Record(++seq)], null, CancellationToken.None);
        await store.AppendAsync([Record(++seq)], null, CancellationToken.None);
        Assert.InRange(WalFrames(db), 1, 8);
        Assert.False(checkpointer.TakeRestartRequest());
        Assert.Equal(seq, (await store.ReadHeadAsync(CancellationToken.None)).Sequence);
    }

    [Fact]
    public async Task Checkpoint_DenseCommitStream_GatedLastPassCatchesUp_WalReusedWithoutRestart()
    {
        var db = new SqliteDatabase(Path.Combine(_dir, "audit.db"));
        using var store = new SqliteAuditStore(db, AuditDurability.Process, _time) { WalGateBytes = 64 * 1024, WalRestartBytes = long.MaxValue };
        await store.EnsureCreatedAsync(CancellationToken.None);
        var seq = 0L;
        for (var i = 0; i < 200; i++)
        {
            await store.AppendAsync([Record(++seq)], null, CancellationToken.None);
        }

        // As under a saturated gateway, every passive pass finds frames it cannot copy: commits that land while it
        // runs. Deterministically: before each pass a reader's snapshot is taken and then a commit lands, so
        // the pass copies up to the snapshot only (the docs' "a reader's snapshot makes frames uncopyable as
        // concurrent commits do"). After the last pass the reader is gone and one more commit lands; the passes alone
        // never made the WAL reusable. The gated pass runs no seam.
        var checkpointer = store.WalCheckpointer!;
        SqliteConnection? reader = db.Open();
        SqliteTransaction? snapshot = reader.BeginTransaction(deferred: true);
        Count(reader, snapshot);
        await store.AppendAsync([Record(++seq)], null, CancellationToken.None);
        var passes = 0;
        checkpointer.AfterPass = () =>
        {
            snapshot?.Dispose();
            reader?.Dispose();
            (reader, snapshot) = (null, null);
            if (++passes <= SqliteWalCheckpointer.CatchUpPasses)
            {
                reader = db.Open();
                snapshot = reader.BeginTransaction(deferred: true);
                Count(reader, snapshot);
            }

            store.AppendAsync([Record(Interlocked.Increment(ref seq))], null, CancellationToken.None).GetAwaiter().GetResult();
        };
        // A commit that arrives while the gated pass runs waits for it (without the store's write lock it would land
        // in the middle of the pass and leave frames uncopied, as under a real commit stream).
        Task? waiting = null;
        var landedInside = false;
        checkpointer.InsideGate = () =>
        {
            waiting = store.AppendAsync([Record(Interlocked.Increment(ref seq))], null, CancellationToken.None);
            landedInside = waiting.IsCompleted;
        };
        var framesBefore = WalFrames(db);
        checkpointer.Run();
        checkpointer.AfterPass = null;
        checkpointer.InsideGate = null;
        Assert.Equal(SqliteWalCheckpointer.CatchUpPasses + 1, passes);
        Assert.Null(reader);
        Assert.Equal(1, checkpointer.GatedPasses);
        Assert.False(landedInside, "the commit waited for the gated pass");
        Assert.Equal(1, checkpointer.GatedCaughtUp);
        Assert.Equal(0, checkpointer.RestartRequests);
        Assert.True(framesBefore > 100, $"the WAL had grown ({framesBefore} frames)");

        // The gated pass copied every frame while commits waited, so the commit that waited starts the WAL over
        // (without the gate the WAL only grows here: no restart is ever asked for).
        await waiting!;
        Assert.InRange(WalFrames(db), 1, 8);

        // Nothing acknowledged was lost: a fresh connection reads every record, in order.
        using var fresh = db.Open();
        using var read = fresh.BeginTransaction(deferred: true);
        Assert.Equal(seq, Count(fresh, read));
        Assert.Equal(seq, (await store.ReadHeadAsync(CancellationToken.None)).Sequence);
    }

    [Fact]
    public async Task Checkpoint_GatedPassPinnedByAReader_FallsBackToTheRestartRequest()
    {
        var db = new SqliteDatabase(Path.Combine(_dir, "audit.db"));
        using var store = new SqliteAuditStore(db, AuditDurability.Process, _time) { WalGateBytes = 64 * 1024, WalRestartBytes = 64 * 1024 };
        await store.EnsureCreatedAsync(CancellationToken.None);
        var seq = await AppendRecordsAsync(store, 0, 100);

        // A reader's snapshot pins the frames committed after it: even the gated pass (no commit landing) cannot copy
        // them, so the checkpointer asks the writer for the RESTART backstop instead of claiming a reusable WAL.
        var checkpointer = store.WalCheckpointer!;
        seq = await RunPinnedByAReaderAsync(db, store, seq);

        Assert.Equal(1, checkpointer.GatedPasses);
        Assert.Equal(0, checkpointer.GatedCaughtUp);
        Assert.Equal(1, checkpointer.RestartRequests);
        await store.AppendAsync([Record(++seq)], null, CancellationToken.None); // runs the RESTART
        await store.AppendAsync([Record(++seq)], null, CancellationToken.None);
        Assert.InRange(WalFrames(db), 1, 8);
        Assert.Equal(seq, (await store.ReadHeadAsync(CancellationToken.None)).Sequence);
    }

    [Fact]
    public void SyncMainFile_OpenConnection_SyncsThroughSqlitesOwnFile()
    {
        var db = new SqliteDatabase(Path.Combine(_dir, "audit.db"));
        using var connection = db.Open();
        Assert.True(SqliteFileSync.SyncMainFile(connection), "sqlite3_file_control and the VFS's xSync are reachable");
    }

    /// <summary>
    /// Frames in the WAL now, read without touching it: <c>mxFrame</c> of the wal-index header (the <c>-shm</c> file,
    /// offset 16, native byte order), so no checkpoint runs as a side effect.
    /// </summary>
    private static long WalFrames(SqliteDatabase db)
    {
        using var shm = new FileStream(db.Path + "-shm", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[20];
        shm.ReadExactly(header);
        return BitConverter.ToUInt32(header[16..]);
    }

    /// <summary>
    /// The checkpointer decides by the bytes each commit adds to the WAL: the writer's estimate must match the frames
    /// SQLite really appended (it was body + 128 bytes per record: 3–8× too low, since every commit rewrites whole pages).
    /// </summary>
    [Theory]
    [InlineData(1, 600, 300)] // one-record commits, as at a modest request rate
    [InlineData(16, 600, 50)] // group commits under load
    [InlineData(4, 2500, 80)]
    public async Task WalBytesEstimate_Commits_WithinAThirdOfTheFramesWritten(int perCommit, int bodyBytes, int commits)
    {
        var (db, store) = await OpenAsync();
        using var disposeStore = store;
        await store.AppendAsync([Record(1)], null, CancellationToken.None); // opens the writer (its catch-up transaction)
        var framesBefore = WalFrames(db);
        long seq = 1, estimate = 0;
        for (var c = 0; c < commits; c++)
        {
            var records = new List<AuditRecordToStore>(perCommit);
            for (var i = 0; i < perCommit; i++)
            {
                var e = new AuditEvent { Type = "gateway.request", AgentId = "agent-" + (seq % 7), OnBehalfOf = "user-42", Decision = "allow", Provider = "openai" };
                records.Add(new AuditRecordToStore(++seq, _time.GetUtcNow(), e, new byte[32], new byte[bodyBytes]));
            }

            estimate += SqliteAuditStore.WalBytes(records, null, blockFilter: false, 4096);
            await store.AppendAsync(records, null, CancellationToken.None);
        }

        Assert.Equal(0, store.WalCheckpointer!.Completed); // no checkpoint: the WAL only grew
        var written = (WalFrames(db) - framesBefore) * (4096 + 24);
        Assert.InRange((double)estimate / written, 0.75, 1.33);
    }

    private AuditRecordToStore Record(long seq) =>
        new(seq, _time.GetUtcNow(), new AuditEvent { Type = "gateway.request" }, new byte[32], new byte[600]);

    private async Task<(SqliteDatabase Db, SqliteAuditStore Store)> OpenAsync()
    {
        var db = new SqliteDatabase(Path.Combine(_dir, "audit.db"));
        var store = new SqliteAuditStore(db, AuditDurability.Process, _time);
        await store.EnsureCreatedAsync(CancellationToken.None);
        return (db, store);
    }

    private static async Task TickAsync(FakeTimeProvider time, SqliteWalCheckpointer checkpointer, TimeSpan advance)
    {
        var woken = checkpointer.Woken;
        time.Advance(advance);
        for (var i = 0; i < 500 && checkpointer.Woken == woken; i++)
        {
            await Task.Delay(10);
        }

        Assert.True(checkpointer.Woken > woken, "the tick woke the checkpointer's thread");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
