using System.Diagnostics.Metrics;
using Warden.Core.Audit;
using Warden.Storage.Postgres;
using Warden.Storage.Postgres.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Gateway.Audit;

/// <summary>Owns the audit store the gateway writes to: SQLite <c>audit.db</c> in the data directory, or PostgreSQL.</summary>
internal sealed class AuditStoreHandle : IAsyncDisposable
{
    /// <summary>The SQLite file in the data directory (kept apart from <c>warden.db</c>).</summary>
    public const string DatabaseFileName = "audit.db";

    private readonly PostgresDatabase? _postgres;
    private readonly SqliteAuditStore? _sqlite;

    /// <summary>The append journal next to the SQLite file (<c>audit.db-wlog</c>; <c>Warden:Audit:Journal</c>).</summary>
    public const string JournalSuffix = "-wlog";

    public AuditStoreHandle(string dataDirectory, AuditGatewayOptions options, IMeterFactory? meterFactory = null, ISqliteAuditJournalEvents? journalEvents = null)
    {
        if (options.PostgresConnectionString is { } cs)
        {
            _postgres = new PostgresDatabase(cs);
            var pg = new PostgresAuditStore(_postgres);
            Store = pg;
            Content = pg;
        }
        else
        {
            var file = Path.Combine(Path.GetFullPath(dataDirectory), DatabaseFileName);
            var journal = options.UsesJournal
                ? new SqliteAuditJournalOptions { Path = file + JournalSuffix, FoldInterval = options.JournalFoldInterval, Events = journalEvents }
                : null;
            _sqlite = new SqliteAuditStore(new SqliteDatabase(file), options.Durability, meterFactory: meterFactory, journal: journal);
            Store = _sqlite;
            Content = _sqlite;
        }

        Store.EnsureCreatedAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public IAuditStore Store { get; }

    public IAuditContentStore Content { get; }

    public async ValueTask DisposeAsync()
    {
        _sqlite?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
