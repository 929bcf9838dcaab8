using System.Collections.Concurrent;
using Warden.Core.Identity;
using Warden.Gateway.Hosting;

namespace Warden.Gateway.Authentication;

/// <summary>
/// Authenticates <c>wdn_agent_</c> keys against <see cref="IPrincipalStore"/>. Successful lookups are
/// cached by key hash for <see cref="WardenGatewayOptions.AuthCacheSeconds"/> (bounded), so the
/// hot path costs one SHA-256 and one dictionary lookup, plus the denylist check (an agent revoked through
/// <c>DELETE /admin/agents/{id}</c> or <c>/admin/revocations</c> is refused on its very next request, on every replica).
/// </summary>
internal sealed class AgentKeyAuthenticator(IPrincipalStore store, WardenGatewayOptions options, TimeProvider time, IRevocationList? revocations = null) : ICredentialAuthenticator
{
    private const int MaxCacheEntries = 10_000;
    private readonly ConcurrentDictionary<string, (WardenPrincipal Principal, long ExpiresAt)> _cache = new(StringComparer.Ordinal);

    public bool CanHandle(string credential) => ApiKeys.HasShape(credential, ApiKeys.AgentPrefix);

    public async ValueTask<AuthenticationResult> AuthenticateAsync(string credential, CancellationToken cancellationToken)
    {
        var hash = ApiKeys.Hash(credential);
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(hash, out var hit) && hit.ExpiresAt > now)
        {
            return await IsRevokedAsync(hit.Principal.Id, cancellationToken)
                ? AuthenticationResult.Fail("the agent is revoked")
                : AuthenticationResult.Success(hit.Principal);
        }

        // A miss reads the store, which may be synchronous (SQLite): on the thread pool, never on a socket thread
        // that runs request code inline (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1).
        var agent = await Task.Run(() => store.FindAgentByKeyHashAsync(hash, cancellationToken).AsTask(), cancellationToken);
        if (agent is null || agent.IsRevoked)
        {
            _cache.TryRemove(hash, out _);
            return AuthenticationResult.Fail("invalid agent key");
        }

        if (await IsRevokedAsync(agent.Id, cancellationToken))
        {
            return AuthenticationResult.Fail("the agent is revoked");
        }

        var principal = new WardenPrincipal(agent.Id, PrincipalKind.Agent, agent.Name, "agent_key", AgentType: agent.Type, TokenId: agent.Id);
        if (options.AuthCacheSeconds > 0)
        {
            if (_cache.Count >= MaxCacheEntries)
            {
                _cache.Clear();
            }

            _cache[hash] = (principal, now + (options.AuthCacheSeconds * time.TimestampFrequency));
        }

        return AuthenticationResult.Success(principal);
    }

    private async ValueTask<bool> IsRevokedAsync(string agentId, CancellationToken cancellationToken) =>
        revocations is not null && await revocations.FindAsync(null, null, agentId, null, cancellationToken) is not null;

    /// <summary>Forgets every cached key (after a revocation or rotation).</summary>
    public void ClearCache() => _cache.Clear();
}
