using System.Collections.Concurrent;

namespace Warden.Core.Identity;

/// <summary>Agent profiles in memory (tests and benchmarks).</summary>
public sealed class InMemoryAgentDirectory : IAgentDirectory
{
    private readonly ConcurrentDictionary<string, AgentProfile> _agents = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces a profile.</summary>
    public void Put(AgentProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        _agents[profile.Id] = profile;
    }

    /// <inheritdoc />
    public ValueTask<AgentProfile?> GetAsync(string agentId, CancellationToken cancellationToken) => ValueTask.FromResult(_agents.GetValueOrDefault(agentId));

    /// <inheritdoc />
    public ValueTask<bool> UpdateAsync(string agentId, string? owner, string? type, string? description, IReadOnlyList<string>? ceiling, CancellationToken cancellationToken)
    {
        if (!_agents.TryGetValue(agentId, out var a))
        {
            return ValueTask.FromResult(false);
        }

        _agents[agentId] = a with
        {
            Owner = owner ?? a.Owner,
            Type = type ?? a.Type,
            Description = description ?? a.Description,
            Ceiling = ceiling?.ToArray() ?? a.Ceiling,
        };
        return ValueTask.FromResult(true);
    }
}
