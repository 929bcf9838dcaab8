namespace Warden.Core.Identity;

/// <summary>Durable, shared storage of task-token signing keys (every replica signs and verifies with the same keys).</summary>
public interface ISigningKeyStore
{
    /// <summary>All keys created at or after <paramref name="since"/>, newest first.</summary>
    ValueTask<IReadOnlyList<SigningKeyMaterial>> ListAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Adds a key.</summary>
    ValueTask AddAsync(SigningKeyMaterial key, CancellationToken cancellationToken);
}
