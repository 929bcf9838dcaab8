namespace Warden.Core.RateLimiting;

/// <summary>
/// Fixed-window counters shared by everything that enforces a limit. Windows are aligned to the Unix
/// epoch, so every replica computes the same window for the same instant. Implementations: in process
/// (<see cref="InMemoryQuotaStore"/>) and Redis (<c>Warden.Storage.Redis.RateLimiting.RedisQuotaStore</c>).
/// </summary>
public interface IQuotaStore
{
    /// <summary>Adds <paramref name="amount"/> if the window's total stays within <paramref name="limit"/>; otherwise adds nothing.</summary>
    ValueTask<QuotaResult> TryConsumeAsync(string key, long amount, long limit, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="amount"/> unconditionally (usage known only afterwards: completion tokens, spend). Returns the new total.</summary>
    ValueTask<long> AddAsync(string key, long amount, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>The window's total so far.</summary>
    ValueTask<long> GetAsync(string key, TimeSpan window, CancellationToken cancellationToken);
}
