using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.RateLimiting;
using Warden.Storage.Redis.RateLimiting;

namespace Warden.Storage.Tests.RateLimiting;

/// <summary>
/// <see cref="QuotaRateLimiter"/> as a System.Threading.RateLimiting <see cref="PartitionedRateLimiter{TResource}"/>,
/// on a fake clock, in process and over Redis (one suite).
/// </summary>
public abstract class QuotaRateLimiterContractTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    protected abstract IQuotaStore CreateStore();

    [Fact]
    public async Task AcquireAsync_UpToLimit_ThenRefusedWithRetryAfter_NextWindowAcquires()
    {
        PartitionedRateLimiter<QuotaKey> limiter = new QuotaRateLimiter(CreateStore(), Time);
        var key = new QuotaKey("agent:a:requests", 2, Minute);
        using (var a = await limiter.AcquireAsync(key))
        using (var b = await limiter.AcquireAsync(key))
        {
            Assert.True(a.IsAcquired);
            Assert.True(b.IsAcquired);
        }

        Time.Advance(TimeSpan.FromSeconds(20));
        using var refused = await limiter.AcquireAsync(key);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retry));
        Assert.Equal(TimeSpan.FromSeconds(40), retry);

        Time.Advance(TimeSpan.FromSeconds(40));
        using var next = await limiter.AcquireAsync(key);
        Assert.True(next.IsAcquired);
    }

    [Fact]
    public async Task AttemptAcquire_Synchronous_MatchesAsync_AndPartitionsAreIndependent()
    {
        var limiter = new QuotaRateLimiter(CreateStore(), Time);
        var one = new QuotaKey("user:1:prompt", 100, Minute);
        var two = new QuotaKey("user:2:prompt", 100, Minute);
        Assert.True(limiter.AttemptAcquire(one, 60).IsAcquired);
        Assert.False(limiter.AttemptAcquire(one, 41).IsAcquired);
        Assert.True((await limiter.AcquireAsync(two, 100)).IsAcquired);
        Assert.Equal(40, limiter.GetStatistics(one)!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task ZeroPermits_ChecksBudget_RecordAsyncSpendsIt()
    {
        var limiter = new QuotaRateLimiter(CreateStore(), Time);
        var budget = new QuotaKey("task:t:completion", 10, Minute);
        Assert.True((await limiter.AcquireAsync(budget, 0)).IsAcquired);
        Assert.Equal(12, await limiter.RecordAsync(budget, 12, default)); // after-the-fact usage may overshoot
        using var refused = await limiter.AcquireAsync(budget, 0);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retry));
        Assert.Equal(Minute, retry);
    }

    [Fact]
    public async Task TwoLimiters_OneStore_EnforceOneLimit()
    {
        var store = CreateStore();
        var a = new QuotaRateLimiter(store, Time);
        var b = new QuotaRateLimiter(store, Time);
        var key = new QuotaKey("agent:shared:requests", 3, Minute);
        var acquired = 0;
        for (var i = 0; i < 3; i++)
        {
            acquired += (await a.AcquireAsync(key)).IsAcquired ? 1 : 0;
            acquired += (await b.AcquireAsync(key)).IsAcquired ? 1 : 0;
        }

        Assert.Equal(3, acquired);
    }
}

public sealed class InProcessQuotaRateLimiterTests : QuotaRateLimiterContractTests
{
    protected override IQuotaStore CreateStore() => new InMemoryQuotaStore(Time);
}

public sealed class RedisQuotaRateLimiterTests : QuotaRateLimiterContractTests
{
    private readonly string _prefix = RedisTestConnection.UniquePrefix();

    protected override IQuotaStore CreateStore() => new RedisQuotaStore(RedisTestConnection.Get(), Time, _prefix);
}
