using System.Collections.Concurrent;

namespace Warden.Core.Identity;

/// <summary>Process-local denylist (single node, or the cache in front of a durable store).</summary>
public sealed class InMemoryRevocationList : IRevocationList
{
    private readonly ConcurrentDictionary<(RevocationKind, string), DateTimeOffset> _entries = new();
    private readonly TimeProvider _time;

    /// <summary>Creates an empty list.</summary>
    public InMemoryRevocationList(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Number of entries (including expired ones not yet swept).</summary>
    public int Count => _entries.Count;

    /// <inheritdoc />
    public ValueTask RevokeAsync(RevocationKind kind, string id, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Add(kind, id, until ?? DateTimeOffset.MaxValue);
        return ValueTask.CompletedTask;
    }

    /// <summary>Adds an entry without I/O (used when loading from a store).</summary>
    public void Add(RevocationKind kind, string id, DateTimeOffset until) =>
        _entries.AddOrUpdate((kind, id), until, (_, old) => old > until ? old : until);

    /// <inheritdoc />
    public ValueTask<(RevocationKind Kind, string Id)?> FindAsync(string? tokenId, string? taskId, string? principalId, string? onBehalfOf, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Find(tokenId, taskId, principalId, onBehalfOf));

    /// <summary>Synchronous check.</summary>
    public (RevocationKind Kind, string Id)? Find(string? tokenId, string? taskId, string? principalId, string? onBehalfOf)
    {
        if (_entries.IsEmpty)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (Hit(RevocationKind.Token, tokenId, now))
        {
            return (RevocationKind.Token, tokenId!);
        }

        if (Hit(RevocationKind.Task, taskId, now))
        {
            return (RevocationKind.Task, taskId!);
        }

        if (Hit(RevocationKind.Principal, principalId, now))
        {
            return (RevocationKind.Principal, principalId!);
        }

        return Hit(RevocationKind.Principal, onBehalfOf, now) ? (RevocationKind.Principal, onBehalfOf!) : null;
    }

    private bool Hit(RevocationKind kind, string? id, DateTimeOffset now)
    {
        if (id is null || !_entries.TryGetValue((kind, id), out var until))
        {
            return false;
        }

        if (until > now)
        {
            return true;
        }

        _entries.TryRemove(new KeyValuePair<(RevocationKind, string), DateTimeOffset>((kind, id), until));
        return false;
    }
}
