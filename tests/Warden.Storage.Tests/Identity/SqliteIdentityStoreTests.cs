using Microsoft.Extensions.Time.Testing;
using Warden.Core.Identity;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Identity;
using Warden.Storage.Sqlite.Principals;

namespace Warden.Storage.Tests.Identity;

public sealed class SqliteIdentityStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("warden-id-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private SqliteDatabase Db => new(Path.Combine(_dir, "w.db"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Users_CreateFindKeyRightsDisable()
    {
        var store = new SqliteUserStore(Db, _time);
        var u = await store.CreateAsync("alice", ["llm:openai/*"], "https://idp#a1", default);
        var key = UserKeys.Generate();
        await store.AddKeyAsync(u.Id, UserKeys.Hash(key), default);

        var reopened = new SqliteUserStore(Db, _time);
        Assert.Equal(u.Id, (await reopened.FindByKeyHashAsync(UserKeys.Hash(key), default))!.Id);
        Assert.Null(await reopened.FindByKeyHashAsync(UserKeys.Hash(UserKeys.Generate()), default));
        Assert.Equal(u.Id, (await reopened.FindByExternalSubjectAsync("https://idp#a1", default))!.Id);
        Assert.True(await reopened.SetRightsAsync(u.Id, ["tool:*:write"], default));
        Assert.True(await reopened.SetDisabledAsync(u.Id, true, default));
        var after = (await reopened.GetAsync(u.Id, default))!;
        Assert.Equal(["tool:*:write"], after.Rights);
        Assert.True(after.Disabled);
        Assert.False(await reopened.SetRightsAsync("usr_nope", [], default));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await reopened.CreateAsync("alice", [], null, default));
        Assert.Single(await reopened.ListAsync(default));
    }

    [Fact]
    public async Task SigningKeys_ListedNewestFirstSince()
    {
        var store = new SqliteSigningKeyStore(Db);
        var t0 = _time.GetUtcNow();
        await store.AddAsync(new SigningKeyMaterial("k1", t0, [1, 2, 3]), default);
        await store.AddAsync(new SigningKeyMaterial("k2", t0.AddHours(2), [4]), default);
        Assert.Equal(["k2", "k1"], (await store.ListAsync(t0, default)).Select(k => k.KeyId));
        Assert.Equal(["k2"], (await store.ListAsync(t0.AddHours(1), default)).Select(k => k.KeyId));
        Assert.Equal([1, 2, 3], (await store.ListAsync(t0, default))[1].Pkcs8PrivateKey);
    }

    [Fact]
    public async Task SigningKeyRing_OverSqlite_TwoRingsShareKeys()
    {
        var options = new TaskTokenOptions();
        using var a = new SigningKeyRing(new SqliteSigningKeyStore(Db), options, _time);
        using var b = new SigningKeyRing(new SqliteSigningKeyStore(Db), options, _time);
        var key = await a.GetSigningKeyAsync(default);
        Assert.NotNull(await b.FindVerificationKeyAsync(key.KeyId, default));
    }

    [Fact]
    public async Task AgentDirectory_ReadsAndUpdatesProfileColumns()
    {
        var principals = new SqlitePrincipalStore(Db, _time);
        await principals.CreateAgentAsync(new AgentRecord("agt_1", "bot", _time.GetUtcNow(), Owner: "o@x"), ApiKeys.Hash(ApiKeys.Generate(ApiKeys.AgentPrefix)), default);
        var dir = new SqliteAgentDirectory(Db, _time);
        Assert.Empty((await dir.GetAsync("agt_1", default))!.Ceiling);
        Assert.True(await dir.UpdateAsync("agt_1", null, "coder", "writes code", ["llm:openai/*"], default));
        var p = (await dir.GetAsync("agt_1", default))!;
        Assert.Equal(("o@x", "coder", "writes code"), (p.Owner, p.Type, p.Description));
        Assert.Equal(["llm:openai/*"], p.Ceiling);
        Assert.False(await dir.UpdateAsync("agt_none", "x", null, null, null, default));
        Assert.Null(await dir.GetAsync("agt_none", default));
    }
}
