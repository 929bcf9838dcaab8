using Npgsql;

namespace Warden.Storage.Postgres;

/// <summary>
/// The production database: a pooled <see cref="NpgsqlDataSource"/>. Every PostgreSQL-backed
/// store takes this and creates its own tables (<c>CREATE TABLE IF NOT EXISTS</c>).
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>Connects with <paramref name="connectionString"/> (never logged: it may hold a password).</summary>
    public PostgresDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>The pooled data source.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Runs a DDL script (idempotent statements only).</summary>
    public async Task EnsureSchemaAsync(string ddl, CancellationToken cancellationToken = default)
    {
        await using var cmd = DataSource.CreateCommand(ddl);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose() => DataSource.Dispose();

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
