using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Warden.Core.Identity;

/// <summary>
/// Validates task tokens: ES256 only, Warden's issuer and audience, a known key, <c>typ</c>
/// <c>task+jwt</c>, not expired (with skew, by <see cref="TimeProvider"/>), all claims present.
/// Signature checks are cached per token until it expires; revocation is NOT cached (the caller checks it on every request).
/// </summary>
public sealed class TaskTokenValidator
{
    private const int MaxCacheEntries = 10_000;
    private readonly SigningKeyRing _keys;
    private readonly TaskTokenOptions _options;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly ConcurrentDictionary<string, WardenPrincipal> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates the validator.</summary>
    public TaskTokenValidator(SigningKeyRing keys, TaskTokenOptions options, TimeProvider time)
    {
        _keys = keys;
        _options = options;
        _time = time;
    }

    /// <summary>True when the credential is shaped like a JWT whose header says <c>typ: task+jwt</c> (no signature check).</summary>
    public static bool LooksLikeTaskToken(string credential)
    {
        if (!credential.StartsWith("eyJ", StringComparison.Ordinal) || credential.Length > 8192)
        {
            return false;
        }

        var dot = credential.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || credential.IndexOf('.', dot + 1) < 0)
        {
            return false;
        }

        try
        {
            var header = Base64UrlEncoder.DecodeBytes(credential[..dot]);
            using var doc = JsonDocument.Parse(header);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("typ", out var typ)
                && typ.ValueKind == JsonValueKind.String
                && string.Equals(typ.GetString(), TaskTokenClaims.TokenType, StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Validates <paramref name="token"/>. Never throws for a bad token.</summary>
    public async ValueTask<AuthenticationResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(token, out var cached))
        {
            return cached.ExpiresAt + _options.ClockSkew > now ? AuthenticationResult.Success(cached) : Expired(token);
        }

        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or JsonException or FormatException)
        {
            return AuthenticationResult.Fail("task token is malformed");
        }

        if (!string.Equals(jwt.Alg, SecurityAlgorithms.EcdsaSha256, StringComparison.Ordinal))
        {
            return AuthenticationResult.Fail("task token must be signed with ES256");
        }

        var key = string.IsNullOrEmpty(jwt.Kid) ? null : await _keys.FindVerificationKeyAsync(jwt.Kid, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return AuthenticationResult.Fail("task token is signed by an unknown key");
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = [TaskTokenClaims.TokenType],
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidateLifetime = false, // checked below against TimeProvider
            RequireExpirationTime = true,
            TryAllIssuerSigningKeys = false,
        };
        var result = await _handler.ValidateTokenAsync(jwt, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return AuthenticationResult.Fail(Describe(result.Exception));
        }

        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp))
        {
            return AuthenticationResult.Fail("task token has no expiry");
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(exp);
        if (expires + _options.ClockSkew <= now)
        {
            return AuthenticationResult.Fail("task token has expired");
        }

        if (jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf) - _options.ClockSkew > now)
        {
            return AuthenticationResult.Fail("task token is not valid yet");
        }

        if (!TryReadClaims(jwt, out var principal, expires))
        {
            return AuthenticationResult.Fail("task token lacks a required claim (sub, act.sub, task_id, scope, jti)");
        }

        if (_cache.Count >= MaxCacheEntries)
        {
            _cache.Clear();
        }

        _cache[token] = principal;
        return AuthenticationResult.Success(principal);
    }

    private AuthenticationResult Expired(string token)
    {
        _cache.TryRemove(token, out _);
        return AuthenticationResult.Fail("task token has expired");
    }

    private static bool TryReadClaims(JsonWebToken jwt, out WardenPrincipal principal, DateTimeOffset expires)
    {
        principal = null!;
        if (!jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var sub) || string.IsNullOrEmpty(sub)
            || !jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Jti, out var jti) || string.IsNullOrEmpty(jti)
            || !jwt.TryGetPayloadValue<string>(TaskTokenClaims.TaskId, out var taskId) || string.IsNullOrEmpty(taskId)
            || !jwt.TryGetPayloadValue<string>(TaskTokenClaims.Scope, out var scope) || scope is null
            || !jwt.TryGetPayloadValue<JsonElement>(TaskTokenClaims.Act, out var act)
            || act.ValueKind != JsonValueKind.Object
            || !act.TryGetProperty("sub", out var actSub) || actSub.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var agentId = actSub.GetString()!;
        jwt.TryGetPayloadValue<string>(TaskTokenClaims.AgentType, out var agentType);
        jwt.TryGetPayloadValue<string>(TaskTokenClaims.AgentName, out var agentName);
        principal = new WardenPrincipal(
            agentId,
            PrincipalKind.Agent,
            string.IsNullOrEmpty(agentName) ? agentId : agentName,
            TaskTokenClaims.CredentialType,
            AgentType: agentType,
            OnBehalfOf: sub,
            TaskId: taskId,
            TokenId: jti,
            Scopes: scope.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            ExpiresAt: expires);
        return true;
    }

    private static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenInvalidIssuerException => "task token has the wrong issuer",
        SecurityTokenInvalidAudienceException => "task token has the wrong audience",
        SecurityTokenSignatureKeyNotFoundException => "task token is signed by an unknown key",
        SecurityTokenInvalidSignatureException => "task token signature is invalid",
        SecurityTokenInvalidAlgorithmException => "task token must be signed with ES256",
        SecurityTokenInvalidTypeException => "token is not a task token",
        _ => "task token is invalid",
    };
}
