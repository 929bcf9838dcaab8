namespace Warden.Core.Identity;

/// <summary>
/// The denylist. <see cref="RevokeAsync"/> returns only when every replica will see the revocation on
/// its next check; <see cref="FindAsync"/> is called on every request.
/// </summary>
public interface IRevocationList
{
    /// <summary>Revokes <paramref name="id"/> until <paramref name="until"/> (null: forever).</summary>
    ValueTask RevokeAsync(RevocationKind kind, string id, DateTimeOffset? until, CancellationToken cancellationToken);

    /// <summary>The first revoked item among the token id, task id and principal ids, or null.</summary>
    ValueTask<(RevocationKind Kind, string Id)?> FindAsync(string? tokenId, string? taskId, string? principalId, string? onBehalfOf, CancellationToken cancellationToken);
}
