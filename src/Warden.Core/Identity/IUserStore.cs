namespace Warden.Core.Identity;

/// <summary>Users and their local keys. Keys are stored only as SHA-256 hashes.</summary>
public interface IUserStore
{
    /// <summary>Creates a user; throws <see cref="InvalidOperationException"/> when the name is taken.</summary>
    ValueTask<UserRecord> CreateAsync(string name, IReadOnlyList<string> rights, string? externalSubject, CancellationToken cancellationToken);

    /// <summary>Finds a user by id.</summary>
    ValueTask<UserRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Finds a user by name.</summary>
    ValueTask<UserRecord?> FindByNameAsync(string name, CancellationToken cancellationToken);

    /// <summary>Finds an SSO user by <c>issuer#sub</c>.</summary>
    ValueTask<UserRecord?> FindByExternalSubjectAsync(string externalSubject, CancellationToken cancellationToken);

    /// <summary>All users, by name.</summary>
    ValueTask<IReadOnlyList<UserRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Replaces a user's rights; false when the user does not exist.</summary>
    ValueTask<bool> SetRightsAsync(string id, IReadOnlyList<string> rights, CancellationToken cancellationToken);

    /// <summary>Disables (true) or enables a user; false when the user does not exist.</summary>
    ValueTask<bool> SetDisabledAsync(string id, bool disabled, CancellationToken cancellationToken);

    /// <summary>Stores the hash of a new key for the user and returns its key id.</summary>
    ValueTask<string> AddKeyAsync(string userId, string keyHash, CancellationToken cancellationToken);

    /// <summary>The user owning the key with this hash, or null.</summary>
    ValueTask<UserRecord?> FindByKeyHashAsync(string keyHash, CancellationToken cancellationToken);
}
