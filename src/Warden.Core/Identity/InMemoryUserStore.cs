using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Warden.Core.Identity;

/// <summary>Users in memory (tests and benchmarks; the product uses the SQLite/PostgreSQL store).</summary>
public sealed class InMemoryUserStore : IUserStore
{
    private readonly ConcurrentDictionary<string, UserRecord> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates an empty store.</summary>
    public InMemoryUserStore(TimeProvider time)
    {
        _time = time;
    }

    /// <inheritdoc />
    public ValueTask<UserRecord> CreateAsync(string name, IReadOnlyList<string> rights, string? externalSubject, CancellationToken cancellationToken)
    {
        if (_users.Values.Any(u => string.Equals(u.Name, name, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"user '{name}' already exists");
        }

        var user = new UserRecord("usr_" + UserKeys.Base64Url(RandomNumberGenerator.GetBytes(9)), name, rights.ToArray(), _time.GetUtcNow(), externalSubject);
        _users[user.Id] = user;
        return ValueTask.FromResult(user);
    }

    /// <inheritdoc />
    public ValueTask<UserRecord?> GetAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult(_users.GetValueOrDefault(id));

    /// <inheritdoc />
    public ValueTask<UserRecord?> FindByNameAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_users.Values.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal)));

    /// <inheritdoc />
    public ValueTask<UserRecord?> FindByExternalSubjectAsync(string externalSubject, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_users.Values.FirstOrDefault(u => string.Equals(u.ExternalSubject, externalSubject, StringComparison.Ordinal)));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<UserRecord>> ListAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<UserRecord>>(_users.Values.OrderBy(u => u.Name, StringComparer.Ordinal).ToList());

    /// <inheritdoc />
    public ValueTask<bool> SetRightsAsync(string id, IReadOnlyList<string> rights, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Update(id, u => u with { Rights = rights.ToArray() }));

    /// <inheritdoc />
    public ValueTask<bool> SetDisabledAsync(string id, bool disabled, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Update(id, u => u with { Disabled = disabled }));

    /// <inheritdoc />
    public ValueTask<string> AddKeyAsync(string userId, string keyHash, CancellationToken cancellationToken)
    {
        if (!_users.ContainsKey(userId))
        {
            throw new InvalidOperationException("no such user");
        }

        _keys[keyHash] = userId;
        return ValueTask.FromResult("ukey_" + keyHash[..12]);
    }

    /// <inheritdoc />
    public ValueTask<UserRecord?> FindByKeyHashAsync(string keyHash, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_keys.TryGetValue(keyHash, out var id) ? _users.GetValueOrDefault(id) : null);

    private bool Update(string id, Func<UserRecord, UserRecord> change)
    {
        while (_users.TryGetValue(id, out var old))
        {
            if (_users.TryUpdate(id, change(old), old))
            {
                return true;
            }
        }

        return false;
    }
}
