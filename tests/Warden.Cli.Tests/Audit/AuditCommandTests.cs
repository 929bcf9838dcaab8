using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using Warden.Cli.Commands.Audit;
using Warden.Core.Audit;
using Warden.Storage.Postgres;
using Warden.Storage.Postgres.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Cli.Tests.Audit;

public sealed class AuditCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-cli-audit-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Verify_IntactSqliteTrail_ExitsZero()
    {
        await SeedSqliteAsync(40);
        var (code, output, error) = await RunAsync("audit", "verify", "--data-dir", _dir);
        Assert.True(code == 0, error);
        Assert.Contains("ok: 40 records", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RecordDeletedInDatabase_ExitsOneNamingRecordAndKind()
    {
        await SeedSqliteAsync(40);
        using (var c = new SqliteConnection($"Data Source={Path.Combine(_dir, AuditStoreSource.DatabaseFileName)}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DELETE FROM audit_records WHERE seq = 7";
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }

        var (code, _, error) = await RunAsync("audit", "verify", "--data-dir", _dir);
        Assert.Equal(1, code);
        Assert.Contains("deleted record at record 7", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NoStoreGiven_UsageErrorExitTwo()
    {
        var (code, _, error) = await RunAsync("audit", "verify", "--data-dir", _dir);
        Assert.Equal(2, code);
        Assert.Contains("no audit database", error, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("audit", "frobnicate")).Code);
    }

    [Fact]
    public async Task Export_AgentFilter_WritesOnlyMatchingVerifiableJsonl()
    {
        await SeedSqliteAsync(40);
        var outFile = Path.Combine(_dir, "export.jsonl");
        var (code, _, error) = await RunAsync("audit", "export", "--data-dir", _dir, "--agent", "agent-1", "--out", outFile);
        Assert.True(code == 0, error);
        var lines = await File.ReadAllLinesAsync(outFile);
        Assert.Equal(13, lines.Length);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var record = doc.RootElement.GetProperty("record");
            Assert.Equal("agent-1", record.GetProperty("agent").GetString());
            var raw = System.Text.Encoding.UTF8.GetBytes(record.GetRawText());
            Assert.Equal(doc.RootElement.GetProperty("hash").GetString(), Convert.ToHexStringLower(SHA256.HashData(raw)));
        }

        var (c2, stdout, _) = await RunAsync("audit", "export", "--data-dir", _dir, "--after", "35");
        Assert.Equal(0, c2);
        Assert.Equal(5, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(2, (await RunAsync("audit", "export", "--data-dir", _dir, "--from", "yesterday")).Code);
    }

    [Fact]
    public async Task Verify_PostgresTamperedCheckpoint_ExitsOneNamingForgery()
    {
        var cs = Environment.GetEnvironmentVariable("WARDEN_TEST_POSTGRES")
            ?? throw new InvalidOperationException("WARDEN_TEST_POSTGRES is not set: run eval \"$(bash scripts/services.sh)\" first");
        var schema = "audit_cli_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = NpgsqlDataSource.Create(cs))
        {
            await using var create = admin.CreateCommand($"CREATE SCHEMA {schema}");
            await create.ExecuteNonQueryAsync();
        }

        var scoped = new NpgsqlConnectionStringBuilder(cs) { SearchPath = schema }.ConnectionString;
        await using var db = new PostgresDatabase(scoped);
        try
        {
            using var key = AuditSigningKey.Generate();
            var store = new PostgresAuditStore(db);
            await store.EnsureCreatedAsync(default);
            await using (var trail = new HashChainAuditTrail(store, key, TimeProvider.System, new AuditTrailOptions { CheckpointEveryRecords = 5 }))
            {
                for (var i = 0; i < 20; i++)
                {
                    await trail.AppendAsync(new AuditEvent { Type = "gateway.request", AgentId = "a" }, default);
                }
            }

            var pub = Path.Combine(Directory.CreateDirectory(_dir).FullName, "pub.pem");
            await File.WriteAllTextAsync(pub, key.PublicKeyPem);
            Assert.Equal(0, (await RunAsync("audit", "verify", "--postgres", scoped, "--public-key", pub)).Code);

            await using (var tamper = db.DataSource.CreateCommand("UPDATE audit_checkpoints SET signature = decode(repeat('00', 64), 'hex') WHERE seq = (SELECT min(seq) FROM audit_checkpoints)"))
            {
                await tamper.ExecuteNonQueryAsync();
            }

            var (code, _, error) = await RunAsync("audit", "verify", "--postgres", scoped, "--public-key", pub);
            Assert.Equal(1, code);
            Assert.Contains("forged checkpoint", error, StringComparison.Ordinal);
        }
        finally
        {
            await using var drop = db.DataSource.CreateCommand($"DROP SCHEMA {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    private async Task SeedSqliteAsync(int n)
    {
        using var key = AuditSigningKey.LoadOrCreate(_dir);
        using var store = new SqliteAuditStore(new SqliteDatabase(Path.Combine(_dir, AuditStoreSource.DatabaseFileName)));
        await store.EnsureCreatedAsync(default);
        await using var trail = new HashChainAuditTrail(store, key, TimeProvider.System, new AuditTrailOptions { CheckpointEveryRecords = 10 });
        for (var i = 0; i < n; i++)
        {
            await trail.AppendAsync(new AuditEvent { Type = "gateway.request", AgentId = $"agent-{i % 3}", Decision = "allow" }, default);
        }
    }

    private static async Task<(int Code, string Out, string Error)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext(TextReader.Null, stdout, stderr, CancellationToken.None));
        return (code, stdout.ToString(), stderr.ToString());
    }
}
