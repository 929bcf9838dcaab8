namespace Warden.Core.Identity;

/// <summary>Reads and updates agent profiles (owner, type, description, ceiling).</summary>
public interface IAgentDirectory
{
    /// <summary>The agent's profile, or null when no such agent exists.</summary>
    ValueTask<AgentProfile?> GetAsync(string agentId, CancellationToken cancellationToken);

    /// <summary>Updates the profile fields that are not null; false when the agent does not exist.</summary>
    ValueTask<bool> UpdateAsync(string agentId, string? owner, string? type, string? description, IReadOnlyList<string>? ceiling, CancellationToken cancellationToken);
}
