namespace Warden.Core.Identity;

/// <summary>
/// A registered agent. Only the hash of its key is ever stored. <see cref="Owner"/>, <see cref="Type"/>,
/// <see cref="Description"/> and <see cref="CeilingJson"/> are optional and extended by the identity engine.
/// </summary>
public sealed record AgentRecord(
    string Id,
    string Name,
    DateTimeOffset CreatedAt,
    string? Owner = null,
    string? Type = null,
    string? Description = null,
    string? CeilingJson = null,
    DateTimeOffset? RevokedAt = null)
{
    /// <summary>True when the agent's key has been revoked.</summary>
    public bool IsRevoked => RevokedAt is not null;
}
