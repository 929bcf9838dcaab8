using System.Threading.RateLimiting;

namespace Warden.Core.RateLimiting;

/// <summary>
/// A <see cref="PartitionedRateLimiter{TResource}"/> over an <see cref="IQuotaStore"/>: fixed, epoch-aligned windows
/// (every replica computes the same window for the same instant), time from a <see cref="TimeProvider"/> (so tests run
/// on a fake clock), and the same limiter in process (<see cref="InMemoryQuotaStore"/>) or shared by replicas
/// (<c>RedisQuotaStore</c>, one atomic script per acquisition). Never queues: a refused lease carries
/// <see cref="MetadataName.RetryAfter"/> (time to the end of the window).
/// <list type="bullet">
/// <item>Acquiring <c>n</c> permits consumes them if the window's total stays within the limit (requests, prompt tokens).</item>
/// <item>Acquiring 0 permits is the check that permits remain (budgets recorded after the fact: completion tokens, spend).</item>
/// <item><see cref="RecordAsync"/> adds usage known only after the response, unconditionally.</item>
/// </list>
/// </summary>
public sealed class QuotaRateLimiter : PartitionedRateLimiter<QuotaKey>
{
    private readonly IQuotaStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the limiter over <paramref name="store"/>.</summary>
    public QuotaRateLimiter(IQuotaStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _time = time;
    }

    /// <summary>The in-process limiter (single replica).</summary>
    public static QuotaRateLimiter InProcess(TimeProvider time) => new(new InMemoryQuotaStore(time), time);

    /// <summary>Adds <paramref name="amount"/> to the partition's window unconditionally; returns the new total.</summary>
    public ValueTask<long> RecordAsync(QuotaKey resource, long amount, CancellationToken cancellationToken) =>
        _store.AddAsync(resource.Key, amount, resource.Window, cancellationToken);

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics(QuotaKey resource)
    {
        var used = _store.GetAsync(resource.Key, resource.Window, CancellationToken.None);
        var total = used.IsCompleted ? used.Result : used.AsTask().GetAwaiter().GetResult();
        return new RateLimiterStatistics { CurrentAvailablePermits = Math.Max(0, resource.Limit - total), CurrentQueuedCount = 0 };
    }

    /// <inheritdoc />
    /// <remarks>Synchronous over the store: immediate for the in-process store, one blocking round trip for Redis (the gateway uses <see cref="RateLimiter.AcquireAsync"/>).</remarks>
    protected override RateLimitLease AttemptAcquireCore(QuotaKey resource, int permitCount)
    {
        var lease = AcquireAsyncCore(resource, permitCount, CancellationToken.None);
        return lease.IsCompleted ? lease.Result : lease.AsTask().GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(QuotaKey resource, int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfNegative(resource.Limit);
        if (permitCount == 0)
        {
            var used = await _store.GetAsync(resource.Key, resource.Window, cancellationToken).ConfigureAwait(false);
            return used < resource.Limit
                ? new QuotaLease(true, TimeSpan.Zero, used)
                : new QuotaLease(false, QuotaWindow.Remaining(_time.GetUtcNow(), resource.Window), used);
        }

        var r = await _store.TryConsumeAsync(resource.Key, permitCount, resource.Limit, resource.Window, cancellationToken).ConfigureAwait(false);
        return new QuotaLease(r.Allowed, r.RetryAfter, r.Used);
    }
}
