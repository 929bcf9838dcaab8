namespace Warden.Core.Identity;

/// <summary>
/// Durable store of agents and the admin key. It holds only key hashes (see <see cref="ApiKeys.Hash"/>),
/// never a key. Implementations: <c>Warden.Storage.Sqlite.Principals.SqlitePrincipalStore</c>.
/// </summary>
public interface IPrincipalStore
{
    /// <summary>Creates an agent with the hash of its key. Throws when the name is taken.</summary>
    ValueTask<AgentRecord> CreateAgentAsync(AgentRecord agent, string keyHash, CancellationToken cancellationToken);

    /// <summary>Finds the agent whose key hashes to <paramref name="keyHash"/>, or null.</summary>
    ValueTask<AgentRecord?> FindAgentByKeyHashAsync(string keyHash, CancellationToken cancellationToken);

    /// <summary>Replaces the key hash of agent <paramref name="agentId"/> (key rotation). Returns false when there is no such agent.</summary>
    ValueTask<bool> ReplaceAgentKeyAsync(string agentId, string keyHash, CancellationToken cancellationToken);

    /// <summary>Finds an agent by name, or null.</summary>
    ValueTask<AgentRecord?> FindAgentByNameAsync(string name, CancellationToken cancellationToken);

    /// <summary>Lists every agent, oldest first.</summary>
    ValueTask<IReadOnlyList<AgentRecord>> ListAgentsAsync(CancellationToken cancellationToken);

    /// <summary>True when an admin key exists.</summary>
    ValueTask<bool> HasAdminKeyAsync(CancellationToken cancellationToken);

    /// <summary>Stores the hash of a new admin key under <paramref name="keyId"/>.</summary>
    ValueTask AddAdminKeyAsync(string keyId, string keyHash, CancellationToken cancellationToken);

    /// <summary>Returns the id of the admin key whose hash matches, or null.</summary>
    ValueTask<string?> FindAdminKeyAsync(string keyHash, CancellationToken cancellationToken);
}
