using System.Text.Json;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Cli.Tests.Audit;

/// <summary>Changes the CLI makes directly in the data directory are audited like admin API changes, fail closed.</summary>
public sealed class CliChangeAuditTests : IDisposable
{
    private const string ProviderKeyCanary = "sk-CANARY-cli-audit-7f3a9c1e5b";

    private readonly string _dir = Directory.CreateTempSubdirectory("warden-cli-change-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task OfflineChanges_EachWritesAdminChangeRecord_ChainVerifiesAndHoldsNoKey()
    {
        var (code, agentOut, err) = await RunAsync("", "agents", "create", "builder", "--data-dir", _dir);
        Assert.True(code == 0, err);
        var agentKey = agentOut.Split('\n')[1].Trim();
        Assert.Equal(0, (await RunAsync("", "agents", "profile", "builder", "--ceiling", "llm:openai/*", "--data-dir", _dir)).Code);
        Assert.Equal(0, (await RunAsync("", "users", "create", "alice", "--rights", "llm:openai/*", "--data-dir", _dir)).Code);
        var (keyCode, userOut, _) = await RunAsync("", "users", "key", "alice", "--data-dir", _dir);
        Assert.Equal(0, keyCode);
        var userKey = userOut.Split('\n')[1].Trim();
        Assert.Equal(0, (await RunAsync("", "users", "rights", "alice", "--rights", "llm:anthropic/*", "--data-dir", _dir)).Code);
        Assert.Equal(0, (await RunAsync(ProviderKeyCanary + "\n", "providers", "set-key", "openai", "--data-dir", _dir)).Code);

        var records = await ExportAdminChangesAsync();
        Assert.Equal<string>(
            ["agent.create", "agent.update_profile", "user.create", "user.create_key", "user.set_rights", "provider_key.set"],
            records.Select(r => r.GetProperty("action").GetString() ?? "").ToArray());
        Assert.All(records, r =>
        {
            Assert.StartsWith("cli:", r.GetProperty("principal").GetString(), StringComparison.Ordinal);
            Assert.Equal("cli", r.GetProperty("attrs").GetProperty("via").GetString());
        });
        Assert.Equal("builder", records[0].GetProperty("attrs").GetProperty("name").GetString());
        Assert.Equal("llm:anthropic/*", records[4].GetProperty("attrs").GetProperty("rights").GetString());

        var (verify, verifyOut, verifyErr) = await RunAsync("", "audit", "verify", "--data-dir", _dir);
        Assert.True(verify == 0, verifyErr);
        Assert.Contains("ok: 6 records", verifyOut, StringComparison.Ordinal);

        SqliteConnection.ClearAllPools();
        var bytes = await ReadAllAuditBytesAsync();
        foreach (var secret in new[] { ProviderKeyCanary, agentKey, userKey })
        {
            Assert.DoesNotContain(secret, bytes, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AgentsCreate_AuditTrailUnwritable_FailsAndChangesNothing()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "audit.db")); // a directory where the trail's file must be
        var (code, _, err) = await RunAsync("", "agents", "create", "builder", "--data-dir", _dir);
        Assert.Equal(1, code);
        Assert.Contains("audit trail could not be written, nothing was changed", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
        var (_, list, _) = await RunAsync("", "agents", "list", "--data-dir", _dir);
        Assert.DoesNotContain("builder", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CliChange_WhileAnotherWriterHoldsTheTrail_BothRechainAndVerify()
    {
        using var store = new SqliteAuditStore(new SqliteDatabase(Path.Combine(_dir, "audit.db")));
        await store.EnsureCreatedAsync(CancellationToken.None);
        await using (var gateway = new HashChainAuditTrail(store, AuditSigningKey.LoadOrCreate(_dir), TimeProvider.System, new AuditTrailOptions()))
        {
            await gateway.AppendAsync(new AuditEvent { Type = "gateway.request", AgentId = "agt_x" }, CancellationToken.None);
            Assert.Equal(0, (await RunAsync("", "users", "create", "bob", "--data-dir", _dir)).Code);
            await gateway.AppendAsync(new AuditEvent { Type = "gateway.request", AgentId = "agt_y" }, CancellationToken.None);
        }

        var (verify, verifyOut, verifyErr) = await RunAsync("", "audit", "verify", "--data-dir", _dir);
        Assert.True(verify == 0, verifyErr);
        Assert.Contains("ok: 3 records", verifyOut, StringComparison.Ordinal);
    }

    private async Task<List<JsonElement>> ExportAdminChangesAsync()
    {
        var (code, output, err) = await RunAsync("", "audit", "export", "--data-dir", _dir, "--type", "admin.change");
        Assert.True(code == 0, err);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("record").Clone()).ToList();
    }

    private async Task<string> ReadAllAuditBytesAsync()
    {
        var text = new System.Text.StringBuilder();
        foreach (var file in Directory.EnumerateFiles(_dir, "audit.db*"))
        {
            text.Append(System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)));
        }

        return text.ToString();
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = await Warden.Cli.CliApp.RunAsync(args, new Warden.Cli.CliContext(new StringReader(stdin), o, e, CancellationToken.None));
        return (code, o.ToString(), e.ToString());
    }
}
