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

    public AuditStoreHandle(string dataDirectory, AuditGatewayOptions options, IMeterFactory? meterFactory = null)
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
            // PROTOTYPE (branch auditjournal): the journal is on unless WARDEN_AUDIT_JOURNAL=0.
            var journal = Environment.GetEnvironmentVariable("WARDEN_AUDIT_JOURNAL") == "0" ? null : file + "-wlog";
            _sqlite = new SqliteAuditStore(new SqliteDatabase(file), options.Durability, meterFactory: meterFactory, journalPath: journal);
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
