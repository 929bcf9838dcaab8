using StackExchange.Redis;
using Warden.Core.Identity;

namespace Warden.Storage.Redis.Identity;

/// <summary>
/// The denylist in Redis, shared by every replica: a revocation is visible to the very next request
/// anywhere (one MGET per request). Writes also go to <paramref name="durable"/> (the SQL store) when given,
/// so revocations survive a Redis restart; call <see cref="RestoreAsync"/> at startup to copy them back.
/// </summary>
public sealed class RedisRevocationList(IConnectionMultiplexer redis, TimeProvider time, IRevocationList? durable = null, string prefix = "warden:revoked:") : IRevocationList
{
    /// <inheritdoc />
    public async ValueTask RevokeAsync(RevocationKind kind, string id, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (durable is not null)
        {
            await durable.RevokeAsync(kind, id, until, cancellationToken).ConfigureAwait(false);
        }

        await SetAsync(kind, id, until).ConfigureAwait(false);
    }

    /// <summary>Copies revocations from the durable store into Redis (startup).</summary>
    public async Task RestoreAsync(IEnumerable<(RevocationKind Kind, string Id, DateTimeOffset? Until)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var (kind, id, until) in entries)
        {
            await SetAsync(kind, id, until).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<(RevocationKind Kind, string Id)?> FindAsync(string? tokenId, string? taskId, string? principalId, string? onBehalfOf, CancellationToken cancellationToken)
    {
        var candidates = new (RevocationKind Kind, string? Id)[]
        {
            (RevocationKind.Token, tokenId),
            (RevocationKind.Task, taskId),
            (RevocationKind.Principal, principalId),
            (RevocationKind.Principal, onBehalfOf),
        }.Where(c => c.Id is not null).ToArray();
        if (candidates.Length == 0)
        {
            return null;
        }

        var values = await redis.GetDatabase().StringGetAsync(candidates.Select(c => Key(c.Kind, c.Id!)).ToArray()).ConfigureAwait(false);
        for (var i = 0; i < values.Length; i++)
        {
            if (!values[i].IsNull)
            {
                return (candidates[i].Kind, candidates[i].Id!);
            }
        }

        return null;
    }

    private async Task SetAsync(RevocationKind kind, string id, DateTimeOffset? until)
    {
        TimeSpan? ttl = until is { } u ? u - time.GetUtcNow() : null;
        if (ttl is { } t && t <= TimeSpan.Zero)
        {
            return;
        }

        await redis.GetDatabase().StringSetAsync(Key(kind, id), "1", ttl).ConfigureAwait(false);
    }

    private RedisKey Key(RevocationKind kind, string id) => prefix + kind switch
    {
        RevocationKind.Token => "jti:",
        RevocationKind.Task => "task:",
        _ => "principal:",
    } + id;
}
