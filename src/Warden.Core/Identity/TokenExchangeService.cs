using System.Globalization;
using System.Security.Cryptography;

namespace Warden.Core.Identity;

/// <summary>
/// RFC 8693 token exchange: the user's token (subject) + the agent's credential (actor) become a
/// task token whose scopes never exceed user rights ∩ agent ceiling, read-only unless write is asked.
/// </summary>
public sealed class TokenExchangeService
{
    private readonly IUserStore _users;
    private readonly IAgentDirectory _agents;
    private readonly IReadOnlyList<ICredentialAuthenticator> _actorAuthenticators;
    private readonly OidcTokenValidator? _oidc;
    private readonly IRevocationList _revocations;
    private readonly TaskTokenIssuer _issuer;
    private readonly TaskTokenOptions _options;

    /// <summary>Creates the service. <paramref name="actorAuthenticators"/> authenticate agent credentials (agent keys).</summary>
    public TokenExchangeService(
        IUserStore users,
        IAgentDirectory agents,
        IEnumerable<ICredentialAuthenticator> actorAuthenticators,
        OidcTokenValidator? oidc,
        IRevocationList revocations,
        TaskTokenIssuer issuer,
        TaskTokenOptions options)
    {
        _users = users;
        _agents = agents;
        _actorAuthenticators = actorAuthenticators.Where(a => a is not TaskTokenAuthenticator).ToArray();
        _oidc = oidc;
        _revocations = revocations;
        _issuer = issuer;
        _options = options;
    }

    /// <summary>Runs one exchange. Never throws for bad input.</summary>
    public async ValueTask<TokenExchangeResult> ExchangeAsync(TokenExchangeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.Equals(request.GrantType, TokenExchangeRequest.TokenExchangeGrant, StringComparison.Ordinal))
        {
            return TokenExchangeResult.Fail("unsupported_grant_type", "grant_type must be " + TokenExchangeRequest.TokenExchangeGrant);
        }

        if (string.IsNullOrEmpty(request.SubjectToken) || string.IsNullOrEmpty(request.SubjectTokenType))
        {
            return TokenExchangeResult.Fail("invalid_request", "subject_token and subject_token_type are required");
        }

        if (string.IsNullOrEmpty(request.ActorToken) || string.IsNullOrEmpty(request.ActorTokenType))
        {
            return TokenExchangeResult.Fail("invalid_request", "actor_token and actor_token_type are required (the agent's credential)");
        }

        if (request.RequestedTokenType is { Length: > 0 } rtt && rtt is not (TokenExchangeRequest.AccessTokenType or TokenExchangeRequest.JwtType))
        {
            return TokenExchangeResult.Fail("invalid_request", "requested_token_type must be access_token or jwt");
        }

        var lifetime = _options.DefaultLifetime;
        if (!string.IsNullOrEmpty(request.ExpiresIn))
        {
            if (!int.TryParse(request.ExpiresIn, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
            {
                return TokenExchangeResult.Fail("invalid_request", "expires_in must be a positive number of seconds");
            }

            lifetime = TimeSpan.FromSeconds(seconds);
            if (lifetime > _options.MaxLifetime)
            {
                return TokenExchangeResult.Fail("invalid_request", $"expires_in exceeds the maximum of {(int)_options.MaxLifetime.TotalSeconds} seconds");
            }
        }

        string taskId;
        if (string.IsNullOrEmpty(request.TaskId))
        {
            taskId = "task_" + UserKeys.Base64Url(RandomNumberGenerator.GetBytes(12));
        }
        else if (!IsValidTaskId(request.TaskId))
        {
            return TokenExchangeResult.Fail("invalid_request", "task_id must be 1-64 characters of A-Z a-z 0-9 . _ -");
        }
        else
        {
            taskId = request.TaskId;
        }

        ScopeSet requested;
        try
        {
            requested = ScopeSet.ParseSpaceSeparated(request.Scope);
        }
        catch (FormatException ex)
        {
            return TokenExchangeResult.Fail("invalid_scope", ex.Message);
        }

        var (user, userError) = await ResolveUserAsync(request.SubjectToken, request.SubjectTokenType, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return TokenExchangeResult.Fail("invalid_grant", "subject_token rejected: " + userError);
        }

        var (agent, agentError) = await ResolveAgentAsync(request.ActorToken, cancellationToken).ConfigureAwait(false);
        if (agent is null)
        {
            return TokenExchangeResult.Fail("invalid_grant", "actor_token rejected: " + agentError);
        }

        var revoked = await _revocations.FindAsync(null, taskId, agent.Id, user.Id, cancellationToken).ConfigureAwait(false);
        if (revoked is { } r)
        {
            return TokenExchangeResult.Fail("invalid_grant", $"{TaskTokenAuthenticator.Name(r.Kind)} {r.Id} is revoked");
        }

        ScopeSet rights, ceiling;
        try
        {
            rights = ScopeSet.Parse(user.Rights);
            ceiling = ScopeSet.Parse(agent.Ceiling);
        }
        catch (FormatException)
        {
            return TokenExchangeResult.Fail("invalid_grant", "stored rights or ceiling are invalid; fix them with the admin API");
        }

        var grant = GrantCalculator.Compute(requested, rights, ceiling);
        if (grant.Granted is null)
        {
            return TokenExchangeResult.Fail("invalid_scope", "refused: " + string.Join("; ", grant.Refusals));
        }

        var token = await _issuer.IssueAsync(user.Id, agent, taskId, grant.Granted, lifetime, cancellationToken).ConfigureAwait(false);
        return new TokenExchangeResult(token, null, null, agent, user.Id);
    }

    private static bool IsValidTaskId(string id) =>
        id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private async ValueTask<(UserRecord? User, string? Error)> ResolveUserAsync(string token, string tokenType, CancellationToken cancellationToken)
    {
        UserRecord? user;
        if (tokenType is not (TokenExchangeRequest.ApiKeyType or TokenExchangeRequest.JwtType or TokenExchangeRequest.AccessTokenType))
        {
            return (null, "unsupported subject_token_type (use " + TokenExchangeRequest.ApiKeyType + " for a Warden user key, "
                + TokenExchangeRequest.AccessTokenType + " or " + TokenExchangeRequest.JwtType + " for an SSO token)");
        }

        if (UserKeys.LooksLikeKey(token) != (tokenType == TokenExchangeRequest.ApiKeyType))
        {
            // The type names what the token is (RFC 8693 2.1): a key sent as a JWT, or anything else sent as a key, is refused
            // with the reason instead of a misleading one (the token itself is never echoed).
            return (null, tokenType == TokenExchangeRequest.ApiKeyType
                ? "subject_token is not a Warden user key (wdn_user_...), which is what subject_token_type " + TokenExchangeRequest.ApiKeyType + " names"
                : "subject_token is a Warden user key: send it with subject_token_type " + TokenExchangeRequest.ApiKeyType);
        }

        if (tokenType == TokenExchangeRequest.ApiKeyType)
        {
            user = await _users.FindByKeyHashAsync(UserKeys.Hash(token), cancellationToken).ConfigureAwait(false);
            if (user is null)
            {
                return (null, "unknown user key");
            }
        }
        else
        {
            if (_oidc is null || !_oidc.IsConfigured)
            {
                return (null, "no SSO issuer is configured");
            }

            var (subject, _, error) = await _oidc.ValidateAsync(token, cancellationToken).ConfigureAwait(false);
            if (subject is null)
            {
                return (null, error);
            }

            user = await _users.FindByExternalSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
            if (user is null)
            {
                return (null, "the SSO user is not registered in Warden");
            }
        }

        return user.Disabled ? (null, "the user is disabled") : (user, null);
    }

    private async ValueTask<(AgentProfile? Agent, string? Error)> ResolveAgentAsync(string credential, CancellationToken cancellationToken)
    {
        foreach (var authenticator in _actorAuthenticators)
        {
            if (!authenticator.CanHandle(credential))
            {
                continue;
            }

            var result = await authenticator.AuthenticateAsync(credential, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return (null, result.FailureReason);
            }

            var p = result.Principal!;
            if (p.Kind != PrincipalKind.Agent || p.TaskId is not null)
            {
                return (null, "the actor must be an agent credential, not a user or task token");
            }

            var profile = await _agents.GetAsync(p.Id, cancellationToken).ConfigureAwait(false);
            return profile is null ? (null, "the agent is not registered") : (profile, null);
        }

        return (null, "not a recognised agent credential");
    }
}
