using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// Moves the write-ahead log into the database file off the commit path. SQLite's automatic checkpoint runs
/// inside whichever commit crosses 1,000 WAL pages and fsyncs the database file there, so one request in a
/// thousand waited for it (the gateway's p99 with audit on). The writer turns that off
/// (<c>wal_autocheckpoint=0</c>) and this runs a <c>PASSIVE</c> checkpoint on its own connection every
/// <c>period</c>: it never blocks the writer, and every commit stays durable in the WAL meanwhile. The checkpoint
/// (with its fsyncs) runs on a thread of its own: the timer only wakes it, so it never holds a thread-pool thread
/// that requests need. A tick checkpoints only once the commits since the last checkpoint reach
/// <see cref="BytesThreshold"/> (about SQLite's own 1,000 pages) or <see cref="MaxInterval"/> has passed: a
/// checkpoint takes tens of milliseconds here and a commit that overlaps it is slower, so at a modest rate one
/// checkpoint per second put about 3 % of requests next to one (the gateway's p99 with audit on); under load the
/// byte threshold still folds the WAL every tick.
/// <para>
/// SQLite reuses the WAL from its start only after a checkpoint copied every frame in it, and a passive checkpoint
/// never copies the frames committed while it runs: at a steady commit rate the file would grow for ever (≈ 1 MB/s at
/// 200 requests/s). So a checkpoint runs up to <see cref="CatchUpPasses"/> short catch-up passes over what arrived
/// meanwhile; once one finds nothing new, the writer's next commit reuses the file. Under a dense commit stream none
/// ever does: once the WAL holds <see cref="DefaultGateBytes"/>, the checkpointer flushes what its passes copied and runs one
/// last pass while it holds the store's write lock (<see cref="CatchUpGated"/>: commits wait for two small fsyncs,
/// not for the whole backlog). Only if that cannot catch up either (a long reader's snapshot pins old frames) and the
/// WAL reaches <see cref="RestartBytes"/> does it ask the writer for a <c>RESTART</c> checkpoint on its own connection
/// between two commits (<see cref="TakeRestartRequest"/>), which holds commits while it copies and syncs everything
/// left: the backstop. Until 2026-11-26 that backstop was the only way a saturated trail's WAL started over, and it
/// stalled commits for tens of milliseconds every few seconds (docs/bench/audit.md, "auditp99b").
/// </para>
/// </summary>
internal sealed class SqliteWalCheckpointer : IDisposable
{
    /// <summary>Bytes committed since the last checkpoint that make the next tick run one.</summary>
    internal const long BytesThreshold = 4L * 1024 * 1024;

    /// <summary>The longest a commit waits in the WAL alone before a tick checkpoints it anyway.</summary>
    internal static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(10);

    /// <summary>Passive passes after the first one, each over the frames committed during the previous pass.</summary>
    internal const int CatchUpPasses = 3;

    /// <summary>Default WAL size at which the writer is asked for a <c>RESTART</c> checkpoint.</summary>
    internal const long DefaultRestartBytes = 64L * 1024 * 1024;

    /// <summary>Default WAL size from which a checkpoint whose passes did not catch up runs a gated last pass.</summary>
    internal const long DefaultGateBytes = SqliteAuditStore.WalSizeLimit;

    /// <summary>How long the gated pass waits for the writer to finish a commit before it gives up for this tick.</summary>
    internal static readonly TimeSpan GateWait = TimeSpan.FromSeconds(1);

    private readonly SqliteDatabase _database;
    private readonly SemaphoreSlim? _writeGate;
    private readonly long _restartBytes;
    private readonly long _gateBytes;
    private long _gated;
    private long _gatedCaughtUp;
    private int _restartRequested;
    private long _restartRequests;
    private readonly TimeProvider _time;
    private readonly SqliteAuditMetrics? _metrics;
    private readonly ITimer _timer;
    private readonly AutoResetEvent _tick = new(false);
    private readonly Thread _thread;
    private volatile bool _stopping;
    private int _disposed;
    private int _running;
    private long _completed;
    private long _woken;
    private long _pendingBytes;
    private DateTimeOffset _last;

    public SqliteWalCheckpointer(SqliteDatabase database, TimeProvider time, TimeSpan period, SqliteAuditMetrics? metrics = null, long restartBytes = DefaultRestartBytes, SemaphoreSlim? writeGate = null, long gateBytes = DefaultGateBytes)
    {
        _gateBytes = gateBytes;
        _database = database;
        _writeGate = writeGate;
        _restartBytes = restartBytes;
        _time = time;
        _last = time.GetUtcNow();
        _metrics = metrics;
        _thread = new Thread(Loop) { IsBackground = true, Name = "warden-audit-wal-checkpoint" };
        _thread.Start();
        _timer = time.CreateTimer(static s => ((SqliteWalCheckpointer)s!).Tick(), this, period, period);
    }

    /// <summary>True while a checkpoint runs (the writer tags its transactions with it).</summary>
    public bool IsRunning => Volatile.Read(ref _running) == 1;

    /// <summary>Checkpoints finished so far (tests wait on it).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Ticks the checkpointer's thread has handled, checkpoint or not (tests wait on it).</summary>
    public long Woken => Interlocked.Read(ref _woken);

    /// <summary>The writer reports what each commit added to the WAL (its frames, estimated: <see cref="SqliteAuditStore.WalBytes"/>).</summary>
    public void Committed(long bytes) => Interlocked.Add(ref _pendingBytes, bytes);

    /// <summary>WAL size (bytes) at which the writer is asked for a <c>RESTART</c> checkpoint.</summary>
    public long RestartBytes => _restartBytes;

    /// <summary>Restart requests made so far (tests and diagnostics).</summary>
    public long RestartRequests => Interlocked.Read(ref _restartRequests);

    /// <summary>Gated last passes run so far (<see cref="CatchUpGated"/>).</summary>
    public long GatedPasses => Interlocked.Read(ref _gated);

    /// <summary>Gated last passes that copied every frame (the WAL was then reusable).</summary>
    public long GatedCaughtUp => Interlocked.Read(ref _gatedCaughtUp);

    /// <summary>Test seam: runs after each passive pass, on the checkpointing thread.</summary>
    internal Action? AfterPass { get; set; }

    /// <summary>Test seam: runs on the checkpointing thread while the gated last pass holds commits, before it copies.</summary>
    internal Action? InsideGate { get; set; }

    /// <summary>
    /// True once per request: the last checkpoint never caught up and left at least <see cref="RestartBytes"/> in the
    /// WAL. The writer then runs a <c>RESTART</c> checkpoint between two commits.
    /// </summary>
    public bool TakeRestartRequest() => Volatile.Read(ref _restartRequested) == 1 && Interlocked.Exchange(ref _restartRequested, 0) == 1;

    /// <summary>
    /// One passive checkpoint plus its catch-up passes (skipped if one is still running); a failure is retried on the
    /// next tick. When the passes cannot catch up a dense commit stream and the WAL holds <see cref="DefaultGateBytes"/> or
    /// more, a gated last pass (<see cref="CatchUpGated"/>) lets the writer's next commit start the WAL over.
    /// </summary>
    public void Run()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            using var connection = _database.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";

            // A pass reports the log as it was when the pass began, so "every frame copied" holds only once a pass
            // finds the log where the previous pass left it: nothing was committed in between.
            long logFrames = 0, previous = -1;
            var caughtUp = false;
            for (var pass = 0; pass <= CatchUpPasses && !caughtUp; pass++)
            {
                if (!Pass(cmd, out logFrames, out var copied))
                {
                    break;
                }

                caughtUp = logFrames <= 0 || (copied >= logFrames && logFrames == previous);
                previous = copied >= logFrames ? logFrames : -1;
                AfterPass?.Invoke();
            }

            var frameBytes = PageSize(connection) + 24L;
            if (!caughtUp && _writeGate is not null && logFrames * frameBytes >= _gateBytes)
            {
                caughtUp = CatchUpGated(connection, cmd, out logFrames);
            }

            if (!caughtUp && logFrames * frameBytes >= _restartBytes)
            {
                Interlocked.Increment(ref _restartRequests);
                Volatile.Write(ref _restartRequested, 1);
            }
        }
        catch (SqliteException)
        {
            // Busy or I/O trouble: the WAL still holds every commit; the next tick tries again.
        }
        finally
        {
            Volatile.Write(ref _running, 0);
            Interlocked.Increment(ref _completed);
            _metrics?.WalCheckpoint(start);
        }
    }

    /// <summary>
    /// Under a dense commit stream no passive pass ever finds the log unchanged, so the WAL is never reused from its
    /// start. This one makes it so while holding commits for as short a time as it can: (1) fsync the database file
    /// (the pages the passes copied: a pass that does not catch up leaves them unsynced) and run one more pass, which
    /// fsyncs the WAL and copies what arrived meanwhile, both while commits go on; (2) fsync the database file again
    /// (a few pages); (3) take the store's write lock (between two commits), run a last pass, which now copies the
    /// few frames committed since (2) and syncs what little is dirty, and let commits go. Having copied every frame,
    /// the pass leaves the WAL reusable: the writer's next commit starts it over. Every commit is durable in the WAL
    /// throughout, and both fsyncs SQLite requires before the WAL is reused still happen (inside the last pass).
    /// </summary>
    private bool CatchUpGated(SqliteConnection connection, SqliteCommand cmd, out long logFrames)
    {
        SqliteFileSync.SyncMainFile(connection);
        if (!Pass(cmd, out logFrames, out var copied))
        {
            return false;
        }

        SqliteFileSync.SyncMainFile(connection);
        if (!_writeGate!.Wait(GateWait))
        {
            return false; // a commit held up by another process's lock: try again on a later tick
        }

        var held = Stopwatch.GetTimestamp();
        bool caughtUp;
        try
        {
            InsideGate?.Invoke();
            caughtUp = Pass(cmd, out logFrames, out copied) && copied >= logFrames;
        }
        finally
        {
            _writeGate.Release();
        }

        Interlocked.Increment(ref _gated);
        if (caughtUp)
        {
            Interlocked.Increment(ref _gatedCaughtUp);
        }

        _metrics?.WalGate(held, caughtUp);
        return caughtUp;
    }

    private static bool Pass(SqliteCommand cmd, out long logFrames, out long copied)
    {
        using var reader = cmd.ExecuteReader();
        if (!reader.Read())
        {
            (logFrames, copied) = (0, 0);
            return false;
        }

        (logFrames, copied) = (reader.GetInt64(1), reader.GetInt64(2));
        return true;
    }

    private static long PageSize(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA page_size;";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // the store can be disposed twice (the gateway's DI owns it under two registrations)
        }

        _timer.Dispose();
        _stopping = true;
        _tick.Set();
        _thread.Join();
        _tick.Dispose();
        Run();
    }

    private void Tick()
    {
        try
        {
            _tick.Set();
        }
        catch (ObjectDisposedException)
        {
            // a tick racing Dispose: nothing left to wake
        }
    }

    private void Loop()
    {
        while (true)
        {
            _tick.WaitOne();
            if (_stopping)
            {
                return;
            }

            var pending = Interlocked.Read(ref _pendingBytes);
            var now = _time.GetUtcNow();
            if (pending >= BytesThreshold || (pending > 0 && now - _last >= MaxInterval))
            {
                Interlocked.Add(ref _pendingBytes, -pending);
                _last = now;
                Run();
            }

            Interlocked.Increment(ref _woken);
        }
    }
}
