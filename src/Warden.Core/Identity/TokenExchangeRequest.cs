namespace Warden.Core.Identity;

/// <summary>The form parameters of an RFC 8693 token exchange request.</summary>
public sealed record TokenExchangeRequest(
    string? GrantType,
    string? SubjectToken,
    string? SubjectTokenType,
    string? ActorToken,
    string? ActorTokenType,
    string? Scope,
    string? TaskId = null,
    string? ExpiresIn = null,
    string? RequestedTokenType = null)
{
    /// <summary>The RFC 8693 grant type.</summary>
    public const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";

    /// <summary>Token type of JWTs (SSO tokens, issued task tokens).</summary>
    public const string JwtType = "urn:ietf:params:oauth:token-type:jwt";

    /// <summary>Token type of access tokens.</summary>
    public const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";

    /// <summary>Warden's type for local user keys and agent keys.</summary>
    public const string ApiKeyType = "urn:warden:token-type:api-key";
}
