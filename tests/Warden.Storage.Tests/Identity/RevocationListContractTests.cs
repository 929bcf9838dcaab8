using Microsoft.Extensions.Time.Testing;
using Warden.Core.Identity;
using Warden.Storage.Redis.Identity;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Identity;

namespace Warden.Storage.Tests.Identity;

/// <summary>One suite for every <see cref="IRevocationList"/>.</summary>
public abstract class RevocationListContractTests
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    protected abstract IRevocationList Create();

    [Theory]
    [InlineData(RevocationKind.Token, "jti-1", "jti-1", null, null, null)]
    [InlineData(RevocationKind.Task, "task-1", null, "task-1", null, null)]
    [InlineData(RevocationKind.Principal, "agt_1", null, null, "agt_1", null)]
    [InlineData(RevocationKind.Principal, "usr_1", "j", "t", "agt_1", "usr_1")]
    public async Task Revoke_ThenFind_ReturnsEntry(RevocationKind kind, string id, string? jti, string? task, string? principal, string? user)
    {
        var list = Create();
        Assert.Null(await list.FindAsync(jti, task, principal, user, default));
        await list.RevokeAsync(kind, id, null, default);
        Assert.Equal((kind, id), await list.FindAsync(jti, task, principal, user, default));
    }

    [Fact]
    public async Task Revoke_OtherKind_DoesNotMatch()
    {
        var list = Create();
        await list.RevokeAsync(RevocationKind.Task, "x", null, default);
        Assert.Null(await list.FindAsync("x", null, "x", "x", default));
    }

    [Fact]
    public async Task Revoke_WithUntilInPast_IsNoOp()
    {
        var list = Create();
        await list.RevokeAsync(RevocationKind.Token, "old", Time.GetUtcNow().AddMinutes(-1), default);
        Assert.Null(await list.FindAsync("old", null, null, null, default));
    }
}

public sealed class InMemoryRevocationListTests : RevocationListContractTests
{
    protected override IRevocationList Create() => new InMemoryRevocationList(Time);
}

public sealed class SqliteRevocationListTests : RevocationListContractTests, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("warden-rev-").FullName;

    protected override IRevocationList Create() => new SqliteRevocationList(new SqliteDatabase(Path.Combine(_dir, "w.db")), Time);

    [Fact]
    public async Task Revocation_SurvivesRestart()
    {
        await Create().RevokeAsync(RevocationKind.Principal, "usr_9", null, default);
        Assert.Equal((RevocationKind.Principal, "usr_9"), await Create().FindAsync(null, null, null, "usr_9", default));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

public sealed class RedisRevocationListTests : RevocationListContractTests
{
    private readonly string _prefix = RedisTestConnection.UniquePrefix();

    protected override IRevocationList Create() => new RedisRevocationList(RedisTestConnection.Get(), Time, null, _prefix);

    [Fact]
    public async Task RevokeOnOneReplica_VisibleOnOtherImmediately()
    {
        var a = Create();
        var b = Create();
        await a.RevokeAsync(RevocationKind.Token, "jti-x", Time.GetUtcNow().AddMinutes(30), default);
        Assert.Equal((RevocationKind.Token, "jti-x"), await b.FindAsync("jti-x", null, null, null, default));
    }
}
