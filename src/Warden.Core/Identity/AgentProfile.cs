namespace Warden.Core.Identity;

/// <summary>
/// What Warden knows about an agent beyond its key: its owner, its type (for behavioural policy),
/// a description, and its ceiling: the most it may ever be granted.
/// </summary>
public sealed record AgentProfile(
    string Id,
    string Name,
    string? Owner,
    string? Type,
    string? Description,
    IReadOnlyList<string> Ceiling);
