using Microsoft.Data.Sqlite;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// Moves the write-ahead log into the database file off the commit path. SQLite's automatic checkpoint runs
/// inside whichever commit crosses 1,000 WAL pages and fsyncs the database file there, so one request in a
/// thousand waited for it (the gateway's p99 with audit on). The writer turns that off
/// (<c>wal_autocheckpoint=0</c>) and this runs a <c>PASSIVE</c> checkpoint on its own connection every
/// <c>period</c>: it never blocks the writer, and every commit stays durable in the WAL meanwhile.
/// </summary>
internal sealed class SqliteWalCheckpointer : IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly ITimer _timer;
    private int _running;

    public SqliteWalCheckpointer(SqliteDatabase database, TimeProvider time, TimeSpan period)
    {
        _database = database;
        _timer = time.CreateTimer(_ => Run(), null, period, period);
    }

    /// <summary>One passive checkpoint (skipped if one is still running); a failure is retried on the next tick.</summary>
    public void Run()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        try
        {
            using var connection = _database.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            cmd.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // Busy or I/O trouble: the WAL still holds every commit; the next tick tries again.
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        Run();
    }
}
