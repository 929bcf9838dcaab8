using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Warden.Core.Policy;
using Warden.Storage.Postgres;
using Warden.Storage.Postgres.Policy;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Policy;

namespace Warden.Storage.Tests.Policy;

/// <summary>One suite for every <see cref="IPolicyRuleStore"/> (SQLite and PostgreSQL).</summary>
public abstract class PolicyRuleStoreContractTests : IAsyncLifetime
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    protected abstract IPolicyRuleStore Create();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Empty_RevisionZero_NoRules()
    {
        var store = Create();
        Assert.Equal(0, await store.GetRevisionAsync(default));
        var snapshot = await store.LoadAsync(default);
        Assert.Equal(0, snapshot.Revision);
        Assert.Empty(snapshot.Rules);
    }

    [Fact]
    public async Task Save_ThenLoad_RoundTripsEveryField_AndBumpsRevision()
    {
        var store = Create();
        var rule = new PolicyRuleDefinition("r1", "allow", "d", ["llm.chat"], "resource.provider == \"openai\"", null, "open", true);
        Assert.Equal(1, await store.SaveAsync(rule, 0, default));
        var snapshot = await store.LoadAsync(default);
        Assert.Equal(1, snapshot.Revision);
        var loaded = Assert.Single(snapshot.Rules);
        Assert.Equal(rule.Id, loaded.Id);
        Assert.Equal(rule.Effect, loaded.Effect);
        Assert.Equal(rule.Description, loaded.Description);
        Assert.Equal(rule.Actions, loaded.Actions);
        Assert.Equal(rule.When, loaded.When);
        Assert.Equal("open", loaded.AuditFailure);
        Assert.True(loaded.CaptureContent);
    }

    [Fact]
    public async Task Replace_KeepsPosition_DeleteRemoves()
    {
        var store = Create();
        await store.SaveAsync(new PolicyRuleDefinition("a", "allow"), 0, default);
        await store.SaveAsync(new PolicyRuleDefinition("b", "deny"), 1, default);
        await store.SaveAsync(new PolicyRuleDefinition("a", "deny", "changed"), 2, default);
        var snapshot = await store.LoadAsync(default);
        Assert.Equal(["a", "b"], snapshot.Rules.Select(r => r.Id));
        Assert.Equal("changed", snapshot.Rules[0].Description);
        Assert.Equal(4, await store.DeleteAsync("a", 3, default));
        Assert.Equal(["b"], (await store.LoadAsync(default)).Rules.Select(r => r.Id));
    }

    [Fact]
    public async Task Change_AgainstStaleRevision_IsRefusedAndChangesNothing()
    {
        var store = Create();
        await store.SaveAsync(new PolicyRuleDefinition("a", "allow"), 0, default);
        Assert.Null(await store.SaveAsync(new PolicyRuleDefinition("b", "allow"), 0, default));
        Assert.Null(await store.DeleteAsync("a", 0, default));
        var snapshot = await store.LoadAsync(default);
        Assert.Equal(1, snapshot.Revision);
        Assert.Equal(["a"], snapshot.Rules.Select(r => r.Id));
    }

    [Fact]
    public async Task TwoInstances_SeeEachOthersChanges()
    {
        var one = Create();
        var two = Create();
        await one.SaveAsync(new PolicyRuleDefinition("shared", "allow"), 0, default);
        Assert.Equal(1, await two.GetRevisionAsync(default));
        Assert.Equal("shared", Assert.Single((await two.LoadAsync(default)).Rules).Id);
    }
}

public sealed class SqlitePolicyRuleStoreTests : PolicyRuleStoreContractTests, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("warden-pol-").FullName;

    protected override IPolicyRuleStore Create() => new SqlitePolicyRuleStore(new SqliteDatabase(Path.Combine(_dir, "w.db")), Time);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

public sealed class PostgresPolicyRuleStoreTests : PolicyRuleStoreContractTests
{
    private readonly string _schema = "policy_t_" + Guid.NewGuid().ToString("N")[..16];
    private readonly List<PostgresDatabase> _dbs = [];
    private string _cs = null!;

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

        _cs = new NpgsqlConnectionStringBuilder(cs) { SearchPath = _schema }.ConnectionString;
    }

    public override async Task DisposeAsync()
    {
        await using (var admin = NpgsqlDataSource.Create(_cs))
        {
            await using var cmd = admin.CreateCommand($"DROP SCHEMA {_schema} CASCADE");
            await cmd.ExecuteNonQueryAsync();
        }

        foreach (var db in _dbs)
        {
            await db.DisposeAsync();
        }
    }

    protected override IPolicyRuleStore Create()
    {
        var db = new PostgresDatabase(_cs);
        _dbs.Add(db);
        return new PostgresPolicyRuleStore(db, Time);
    }
}
