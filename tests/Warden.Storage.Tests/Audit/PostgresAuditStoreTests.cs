using System.Text;
using Npgsql;
using Warden.Core.Audit;
using Warden.Storage.Postgres;
using Warden.Storage.Postgres.Audit;

namespace Warden.Storage.Tests.Audit;

/// <summary>The audit contract suite on a real PostgreSQL server (one fresh schema per test).</summary>
public sealed class PostgresAuditStoreTests : AuditStoreContractTests
{
    private readonly string _schema = "audit_t_" + Guid.NewGuid().ToString("N")[..16];
    private PostgresDatabase _db = null!;

    public override async Task InitializeAsync()
    {
        var cs = Environment.GetEnvironmentVariable("WARDEN_TEST_POSTGRES");
        if (string.IsNullOrEmpty(cs))
        {
            throw new InvalidOperationException("WARDEN_TEST_POSTGRES is not set: run eval \"$(bash scripts/services.sh)\" first (PostgreSQL tests never skip silently)");
        }

        await using (var admin = NpgsqlDataSource.Create(cs))
        {
            await using var cmd = admin.CreateCommand($"CREATE SCHEMA {_schema}");
            await cmd.ExecuteNonQueryAsync();
        }

        _db = new PostgresDatabase(new NpgsqlConnectionStringBuilder(cs) { SearchPath = _schema }.ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        await ExecAsync($"DROP SCHEMA {_schema} CASCADE");
        await _db.DisposeAsync();
    }

    protected override IAuditStore OpenStore() => new PostgresAuditStore(_db);

    protected override async Task ExecAsync(string sql)
    {
        await using var cmd = _db.DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    protected override Task UpdateRowAsync(long seq, byte[] body, byte[] hash) =>
        Run("UPDATE audit_records SET body = @b, hash = @h WHERE seq = @s", ("b", body), ("h", hash), ("s", seq));

    protected override Task InsertRowAsync(long seq, DateTimeOffset ts, byte[] body, byte[] hash) =>
        Run("INSERT INTO audit_records (seq, ts, type, hash, body) VALUES (@s, @t, 'admin.change', @h, @b)", ("s", seq), ("t", ts.UtcDateTime), ("h", hash), ("b", body));

    protected override Task UpdateCheckpointAsync(long seq, byte[] body, byte[] signature) =>
        Run("UPDATE audit_checkpoints SET body = @b, signature = @g WHERE seq = @s", ("b", body), ("g", signature), ("s", seq));

    protected override Task BreakWritesAsync() => ExecAsync(
        "CREATE FUNCTION audit_block() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store unwritable'; END $$; " +
        "CREATE TRIGGER audit_block BEFORE INSERT ON audit_records FOR EACH ROW EXECUTE FUNCTION audit_block();");

    protected override Task RepairWritesAsync() => ExecAsync("DROP TRIGGER audit_block ON audit_records");

    protected override async Task<byte[]> ReadAllStoredBytesAsync()
    {
        var all = new List<byte>();
        foreach (var table in new[] { "audit_records", "audit_checkpoints", "audit_content" })
        {
            await using var cmd = _db.DataSource.CreateCommand($"SELECT t::text FROM {table} t");
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                all.AddRange(Encoding.UTF8.GetBytes(reader.GetString(0)));
            }

            await using var raw = _db.DataSource.CreateCommand($"SELECT convert_from(body, 'UTF8') FROM {table} t");
            if (table != "audit_content")
            {
                await using var r2 = await raw.ExecuteReaderAsync();
                while (await r2.ReadAsync())
                {
                    all.AddRange(Encoding.UTF8.GetBytes(r2.GetString(0)));
                }
            }
        }

        return all.ToArray();
    }

    private async Task Run(string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = _db.DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }
}
