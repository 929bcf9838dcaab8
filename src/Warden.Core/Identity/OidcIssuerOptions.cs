namespace Warden.Core.Identity;

/// <summary>One trusted SSO issuer. Its signing keys come from OIDC discovery (<c>jwks_uri</c>).</summary>
public sealed record OidcIssuerOptions
{
    /// <summary>The exact <c>iss</c> value.</summary>
    public required string Issuer { get; init; }

    /// <summary>The <c>aud</c> Warden requires.</summary>
    public required string Audience { get; init; }

    /// <summary>Discovery document URL; default <c>{Issuer}/.well-known/openid-configuration</c>.</summary>
    public string? MetadataAddress { get; init; }

    /// <summary>Require https for discovery and JWKS (turn off only for loopback tests).</summary>
    public bool RequireHttps { get; init; } = true;

    /// <summary>Accepted signature algorithms.</summary>
    public IReadOnlyList<string> Algorithms { get; init; } = ["RS256", "ES256", "PS256"];

    /// <summary>Tolerated clock difference.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The discovery address actually used.</summary>
    public string EffectiveMetadataAddress => MetadataAddress ?? Issuer.TrimEnd('/') + "/.well-known/openid-configuration";
}
