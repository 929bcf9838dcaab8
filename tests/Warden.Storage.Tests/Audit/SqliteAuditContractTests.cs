using Microsoft.Data.Sqlite;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Storage.Tests.Audit;

/// <summary>The audit contract suite on a real SQLite file (WAL): opening the store and tampering with its tables.</summary>
public abstract class SqliteAuditContractTests : AuditStoreContractTests
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-audit-" + Guid.NewGuid().ToString("N"));
    private readonly List<SqliteAuditStore> _stores = [];
    private SqliteDatabase _db = null!;

    /// <summary>Every store opened so far.</summary>
    protected IReadOnlyList<SqliteAuditStore> Stores => _stores;

    protected SqliteDatabase Database => _db;

    protected string TestDirectory => _dir;

    public override Task InitializeAsync()
    {
        _db = new SqliteDatabase(Path.Combine(_dir, "warden.db"));
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        foreach (var s in _stores)
        {
            s.Dispose();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>SQLite with <c>Durability=Process</c> commits inline: adaptive by default, always with <c>CallerCommits</c>.</summary>
    protected override bool IdleCallersCommit => CallerCommits || CallerCommitMaxRate != 0;

    protected override IAuditStore OpenStore()
    {
        var store = new SqliteAuditStore(_db, journal: Journal(_dir));
        _stores.Add(store);
        return store;
    }

    /// <summary>The store's append journal (none: plain SQLite).</summary>
    protected virtual SqliteAuditJournalOptions? Journal(string directory) => null;

    /// <summary>Before the test reads or changes the tables directly (the journal suite folds first).</summary>
    protected virtual void BeforeDirectAccess()
    {
    }

    protected override Task ExecAsync(string sql)
    {
        BeforeDirectAccess();
        return ExecDirectAsync(sql);
    }

    protected Task ExecDirectAsync(string sql)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    protected override Task UpdateRowAsync(long seq, byte[] body, byte[] hash) =>
        Run("UPDATE audit_records SET body = $b, hash = $h WHERE seq = $s", ("$b", body), ("$h", hash), ("$s", seq));

    protected override Task InsertRowAsync(long seq, DateTimeOffset ts, byte[] body, byte[] hash) =>
        Run("INSERT INTO audit_records (seq, ts_ms, type, hash, body) VALUES ($s, $t, 'admin.change', $h, $b)", ("$s", seq), ("$t", ts.ToUnixTimeMilliseconds()), ("$h", hash), ("$b", body));

    protected override Task UpdateCheckpointAsync(long seq, byte[] body, byte[] signature) =>
        Run("UPDATE audit_checkpoints SET body = $b, signature = $g WHERE seq = $s", ("$b", body), ("$g", signature), ("$s", seq));

    protected override Task BreakWritesAsync() =>
        ExecAsync("CREATE TRIGGER audit_block BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'audit store unwritable'); END;");

    protected override Task RepairWritesAsync() => ExecAsync("DROP TRIGGER audit_block");

    protected override Task<byte[]> ReadAllStoredBytesAsync()
    {
        var all = new List<byte>();
        foreach (var file in Directory.GetFiles(_dir))
        {
            FileStream fs;
            try
            {
                fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (FileNotFoundException)
            {
                continue; // SQLite removed it (-wal / -shm at the last close) after the listing: it holds nothing any more
            }

            using (fs)
            {
                using var ms = new MemoryStream();
                fs.CopyTo(ms);
                all.AddRange(ms.ToArray());
            }
        }

        return Task.FromResult(all.ToArray());
    }

    private Task Run(string sql, params (string Name, object Value)[] parameters)
    {
        BeforeDirectAccess();
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        Assert.Equal(1, cmd.ExecuteNonQuery());
        return Task.CompletedTask;
    }
}
