using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Warden.Core.Identity;

/// <summary>Signs task tokens (ES256, current key of the <see cref="SigningKeyRing"/>).</summary>
public sealed class TaskTokenIssuer
{
    private readonly SigningKeyRing _keys;
    private readonly TaskTokenOptions _options;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Creates the issuer.</summary>
    public TaskTokenIssuer(SigningKeyRing keys, TaskTokenOptions options, TimeProvider time)
    {
        _keys = keys;
        _options = options;
        _time = time;
    }

    /// <summary>Issues a token for <paramref name="agent"/> acting for <paramref name="userId"/>.</summary>
    public async ValueTask<IssuedTaskToken> IssueAsync(string userId, AgentProfile agent, string taskId, ScopeSet scopes, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(scopes);
        var key = await _keys.GetSigningKeyAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var expires = now + lifetime;
        var jti = UserKeys.Base64Url(RandomNumberGenerator.GetBytes(16));
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = userId,
            [JwtRegisteredClaimNames.Jti] = jti,
            [TaskTokenClaims.Act] = new Dictionary<string, object>(StringComparer.Ordinal) { ["sub"] = agent.Id },
            [TaskTokenClaims.TaskId] = taskId,
            [TaskTokenClaims.Scope] = scopes.ToString(),
            [TaskTokenClaims.AgentName] = agent.Name,
        };
        if (!string.IsNullOrEmpty(agent.Type))
        {
            claims[TaskTokenClaims.AgentType] = agent.Type;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = TaskTokenClaims.TokenType,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        };
        var token = _handler.CreateToken(descriptor);
        return new IssuedTaskToken(token, jti, taskId, scopes, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }
}
