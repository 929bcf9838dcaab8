using Warden.Core.Audit;
using Warden.Gateway.Hosting;
using Warden.Storage.Postgres;
using Warden.Storage.Postgres.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Cli.Commands.Audit;

/// <summary>Opens the audit store named by <c>--data-dir</c> (SQLite) or <c>--postgres</c>.</summary>
internal sealed class AuditStoreSource : IAsyncDisposable
{
    /// <summary>The SQLite file inside the data directory.</summary>
    public const string DatabaseFileName = "audit.db";

    private readonly PostgresDatabase? _postgres;
    private readonly SqliteAuditStore? _sqlite;

    private AuditStoreSource(IAuditStore store, string dataDirectory, PostgresDatabase? postgres, SqliteAuditStore? sqlite)
    {
        Store = store;
        DataDirectory = dataDirectory;
        _postgres = postgres;
        _sqlite = sqlite;
    }

    public IAuditStore Store { get; }

    public string DataDirectory { get; }

    public static AuditStoreSource Open(CliArgs options)
    {
        var pg = options.Get("postgres");
        var dir = WardenPaths.ResolveDataDirectory(options.Get("data-dir"));
        if (pg is not null)
        {
            var db = new PostgresDatabase(pg);
            return new AuditStoreSource(new PostgresAuditStore(db), dir, db, null);
        }

        if (File.Exists(dir))
        {
            throw new CliUsageException($"the data directory is not a directory: {dir}");
        }

        var file = Path.Combine(dir, DatabaseFileName);
        if (!File.Exists(file))
        {
            throw new CliUsageException($"no audit database at {file}");
        }

        var store = new SqliteAuditStore(new SqliteDatabase(file));
        return new AuditStoreSource(store, dir, null, store);
    }

    public async ValueTask DisposeAsync()
    {
        _sqlite?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
