using Microsoft.Extensions.Time.Testing;
using Warden.Core.RateLimiting;
using Warden.Storage.Redis.RateLimiting;

namespace Warden.Storage.Tests.RateLimiting;

/// <summary>One suite for every <see cref="IQuotaStore"/>.</summary>
public abstract class QuotaStoreContractTests
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    protected abstract IQuotaStore Create();

    [Fact]
    public async Task TryConsume_UpToLimit_ThenRefusesWithRetryAfter()
    {
        var store = Create();
        var w = TimeSpan.FromMinutes(1);
        Assert.True((await store.TryConsumeAsync("k", 3, 5, w, default)).Allowed);
        Assert.True((await store.TryConsumeAsync("k", 2, 5, w, default)).Allowed);
        Time.Advance(TimeSpan.FromSeconds(15));
        var refused = await store.TryConsumeAsync("k", 1, 5, w, default);
        Assert.False(refused.Allowed);
        Assert.Equal(5, refused.Used);
        Assert.Equal(TimeSpan.FromSeconds(45), refused.RetryAfter);
        Assert.Equal(5, await store.GetAsync("k", w, default));
    }

    [Fact]
    public async Task NewWindow_StartsFromZero()
    {
        var store = Create();
        var w = TimeSpan.FromMinutes(1);
        await store.TryConsumeAsync("k", 5, 5, w, default);
        Time.Advance(w);
        Assert.Equal(0, await store.GetAsync("k", w, default));
        Assert.True((await store.TryConsumeAsync("k", 5, 5, w, default)).Allowed);
    }

    [Fact]
    public async Task Add_IsUnconditional_AndKeysAreIndependent()
    {
        var store = Create();
        var w = TimeSpan.FromHours(1);
        Assert.Equal(7, await store.AddAsync("a", 7, w, default));
        Assert.Equal(10, await store.AddAsync("a", 3, w, default));
        Assert.Equal(0, await store.GetAsync("b", w, default));
        Assert.Equal(0, await store.GetAsync("a", TimeSpan.FromMinutes(1), default));
    }

    [Fact]
    public async Task ConcurrentConsumers_NeverExceedLimit()
    {
        var store = Create();
        var w = TimeSpan.FromMinutes(1);
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => store.TryConsumeAsync("c", 1, 20, w, default).AsTask()));
        Assert.Equal(20, results.Count(r => r.Allowed));
        Assert.Equal(20, await store.GetAsync("c", w, default));
    }
}

public sealed class InMemoryQuotaStoreTests : QuotaStoreContractTests
{
    protected override IQuotaStore Create() => new InMemoryQuotaStore(Time);
}

public sealed class RedisQuotaStoreTests : QuotaStoreContractTests
{
    protected override IQuotaStore Create() => new RedisQuotaStore(RedisTestConnection.Get(), Time, RedisTestConnection.UniquePrefix());

    [Fact]
    public async Task TwoReplicas_ShareOneLimit()
    {
        var prefix = RedisTestConnection.UniquePrefix();
        var a = new RateLimitEnforcer(new RedisQuotaStore(RedisTestConnection.Get(), Time, prefix), new RateLimitOptions { Agent = new() { RequestsPerMinute = 4 } }, Time);
        var b = new RateLimitEnforcer(new RedisQuotaStore(RedisTestConnection.Get(), Time, prefix), new RateLimitOptions { Agent = new() { RequestsPerMinute = 4 } }, Time);
        var p = new Warden.Core.Identity.WardenPrincipal("agt_1", Warden.Core.Identity.PrincipalKind.Agent, "a", "agent_key");
        var allowed = 0;
        for (var i = 0; i < 4; i++)
        {
            allowed += (await a.CheckAsync(p, 0, default)).Allowed ? 1 : 0;
            allowed += (await b.CheckAsync(p, 0, default)).Allowed ? 1 : 0;
        }

        Assert.Equal(4, allowed);
    }
}
