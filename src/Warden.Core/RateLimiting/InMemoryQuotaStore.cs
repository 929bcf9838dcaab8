using System.Collections.Concurrent;

namespace Warden.Core.RateLimiting;

/// <summary>Process-local quota counters (single replica). Bounded: stale windows are swept.</summary>
public sealed class InMemoryQuotaStore : IQuotaStore
{
    private const int SweepThreshold = 100_000;
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates the store.</summary>
    public InMemoryQuotaStore(TimeProvider time)
    {
        _time = time;
    }

    /// <inheritdoc />
    public ValueTask<QuotaResult> TryConsumeAsync(string key, long amount, long limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var c = Get(key, window, now, out var index);
        lock (c)
        {
            Roll(c, index);
            if (c.Used + amount > limit)
            {
                return ValueTask.FromResult(new QuotaResult(false, c.Used, QuotaWindow.Remaining(now, window)));
            }

            c.Used += amount;
            return ValueTask.FromResult(new QuotaResult(true, c.Used, TimeSpan.Zero));
        }
    }

    /// <inheritdoc />
    public ValueTask<long> AddAsync(string key, long amount, TimeSpan window, CancellationToken cancellationToken)
    {
        var c = Get(key, window, _time.GetUtcNow(), out var index);
        lock (c)
        {
            Roll(c, index);
            c.Used += amount;
            return ValueTask.FromResult(c.Used);
        }
    }

    /// <inheritdoc />
    public ValueTask<long> GetAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var c = Get(key, window, _time.GetUtcNow(), out var index);
        lock (c)
        {
            Roll(c, index);
            return ValueTask.FromResult(c.Used);
        }
    }

    private Counter Get(string key, TimeSpan window, DateTimeOffset now, out long index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        index = QuotaWindow.Index(now, window);
        if (_counters.Count > SweepThreshold)
        {
            foreach (var (k, v) in _counters)
            {
                if (v.Index < index - 1)
                {
                    _counters.TryRemove(k, out _);
                }
            }
        }

        var start = index;
        return _counters.GetOrAdd(key + "|" + window.Ticks, _ => new Counter { Index = start });
    }

    private static void Roll(Counter c, long index)
    {
        if (c.Index != index)
        {
            c.Index = index;
            c.Used = 0;
        }
    }

    private sealed class Counter
    {
        public long Index;
        public long Used;
    }
}
