using System.Globalization;
using StackExchange.Redis;
using Warden.Core.RateLimiting;

namespace Warden.Storage.Redis.RateLimiting;

/// <summary>
/// Quota counters in Redis, so every replica enforces the same limit. Each check is one atomic Lua
/// script (read, compare, increment, expire); keys expire one window after their window ends.
/// </summary>
public sealed class RedisQuotaStore : IQuotaStore
{
    private const string TryConsumeScript = """
        local used = tonumber(redis.call('GET', KEYS[1]) or '0')
        local amount = tonumber(ARGV[1])
        if used + amount > tonumber(ARGV[2]) then return {0, used} end
        used = redis.call('INCRBY', KEYS[1], amount)
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return {1, used}
        """;

    private const string AddScript = """
        local used = redis.call('INCRBY', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return used
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _time;
    private readonly string _prefix;

    /// <summary>Creates the store over a shared connection; keys start with <paramref name="prefix"/>.</summary>
    public RedisQuotaStore(IConnectionMultiplexer redis, TimeProvider time, string prefix = "warden:quota:")
    {
        _redis = redis;
        _time = time;
        _prefix = prefix;
    }

    /// <inheritdoc />
    public async ValueTask<QuotaResult> TryConsumeAsync(string key, long amount, long limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var result = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(
            TryConsumeScript, [Key(key, window, now)], [amount, limit, Ttl(window)]).ConfigureAwait(false))!;
        var allowed = (long)result[0] == 1;
        return new QuotaResult(allowed, (long)result[1], allowed ? TimeSpan.Zero : QuotaWindow.Remaining(now, window));
    }

    /// <inheritdoc />
    public async ValueTask<long> AddAsync(string key, long amount, TimeSpan window, CancellationToken cancellationToken) =>
        (long)(await _redis.GetDatabase().ScriptEvaluateAsync(AddScript, [Key(key, window, _time.GetUtcNow())], [amount, Ttl(window)]).ConfigureAwait(false));

    /// <inheritdoc />
    public async ValueTask<long> GetAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var v = await _redis.GetDatabase().StringGetAsync(Key(key, window, _time.GetUtcNow())).ConfigureAwait(false);
        return v.IsNull ? 0 : (long)v;
    }

    private RedisKey Key(string key, TimeSpan window, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{_prefix}{key}|{(long)window.TotalSeconds}|{QuotaWindow.Index(now, window)}");

    private static long Ttl(TimeSpan window) => (long)(window.TotalMilliseconds * 2);
}
