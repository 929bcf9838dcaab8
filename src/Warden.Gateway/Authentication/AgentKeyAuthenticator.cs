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
    private static readonly AuthenticationResult Revoked = AuthenticationResult.Fail("the agent is revoked");

    // The cached result is the success itself (one allocation per cache fill, none per request).
    private readonly ConcurrentDictionary<string, (AuthenticationResult Result, long ExpiresAt)> _cache = new(StringComparer.Ordinal);

    public bool CanHandle(string credential) => ApiKeys.HasShape(credential, ApiKeys.AgentPrefix);

    public ValueTask<AuthenticationResult> AuthenticateAsync(string credential, CancellationToken cancellationToken)
    {
        var hash = ApiKeys.Hash(credential);
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(hash, out var hit) && hit.ExpiresAt > now)
        {
            // The hot path: a cache hit and a denylist served from memory complete without an async frame.
            var revoked = IsRevokedAsync(hit.Result.Principal!.Id, cancellationToken);
            return revoked.IsCompletedSuccessfully
                ? new ValueTask<AuthenticationResult>(revoked.Result ? Revoked : hit.Result)
                : HitAsync(revoked, hit.Result);
        }

        return MissAsync(hash, now, cancellationToken);
    }

    private static async ValueTask<AuthenticationResult> HitAsync(ValueTask<bool> revoked, AuthenticationResult cached) =>
        await revoked ? Revoked : cached;

    private async ValueTask<AuthenticationResult> MissAsync(string hash, long now, CancellationToken cancellationToken)
    {
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
            return Revoked;
        }

        var principal = new WardenPrincipal(agent.Id, PrincipalKind.Agent, agent.Name, "agent_key", AgentType: agent.Type, TokenId: agent.Id);
        var result = AuthenticationResult.Success(principal);
        if (options.AuthCacheSeconds > 0)
        {
            if (_cache.Count >= MaxCacheEntries)
            {
                _cache.Clear();
            }

            _cache[hash] = (result, now + (options.AuthCacheSeconds * time.TimestampFrequency));
        }

        return result;
    }

    private ValueTask<bool> IsRevokedAsync(string agentId, CancellationToken cancellationToken)
    {
        if (revocations is null)
        {
            return new ValueTask<bool>(false);
        }

        var found = revocations.FindAsync(null, null, agentId, null, cancellationToken);
        return found.IsCompletedSuccessfully ? new ValueTask<bool>(found.Result is not null) : FoundAsync(found);
    }

    private static async ValueTask<bool> FoundAsync(ValueTask<(RevocationKind Kind, string Id)?> found) => await found is not null;

    /// <summary>Forgets every cached key (after a revocation or rotation).</summary>
    public void ClearCache() => _cache.Clear();
}
