using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Warden.Core.Identity;

/// <summary>
/// Validates SSO access tokens from configured issuers: signature against the issuer's JWKS (found by
/// discovery, refreshed once when an unknown key id shows up), issuer, audience, expiry with clock skew.
/// </summary>
public sealed class OidcTokenValidator
{
    private readonly Dictionary<string, (OidcIssuerOptions Options, IConfigurationManager<OpenIdConnectConfiguration> Config)> _issuers;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>Creates a validator using OIDC discovery over HTTP for each issuer.</summary>
    public OidcTokenValidator(IEnumerable<OidcIssuerOptions> issuers, TimeProvider time)
        : this(issuers.Select(o => (o, (IConfigurationManager<OpenIdConnectConfiguration>)new ConfigurationManager<OpenIdConnectConfiguration>(
            o.EffectiveMetadataAddress, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = o.RequireHttps }))), time)
    {
    }

    /// <summary>Creates a validator with explicit configuration managers (tests, static keys).</summary>
    public OidcTokenValidator(IEnumerable<(OidcIssuerOptions Options, IConfigurationManager<OpenIdConnectConfiguration> Config)> issuers, TimeProvider time)
    {
        _issuers = issuers.ToDictionary(i => i.Options.Issuer, StringComparer.Ordinal);
        _time = time;
    }

    /// <summary>True when at least one issuer is configured.</summary>
    public bool IsConfigured => _issuers.Count > 0;

    /// <summary>Validates an SSO token; on success returns <c>issuer#sub</c> and a display name.</summary>
    public async ValueTask<(string? ExternalSubject, string? Name, string? Error)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or JsonException or FormatException)
        {
            return (null, null, "user token is malformed");
        }

        if (string.IsNullOrEmpty(jwt.Issuer) || !_issuers.TryGetValue(jwt.Issuer, out var issuer))
        {
            return (null, null, "user token is from an issuer that is not trusted");
        }

        if (!issuer.Options.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return (null, null, "user token uses an algorithm that is not accepted");
        }

        OpenIdConnectConfiguration config;
        try
        {
            config = await issuer.Config.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            return (null, null, "the issuer's signing keys could not be fetched");
        }

        var result = await ValidateWithAsync(jwt, issuer.Options, config).ConfigureAwait(false);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            issuer.Config.RequestRefresh();
            try
            {
                config = await issuer.Config.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                return (null, null, "the issuer's signing keys could not be fetched");
            }

            result = await ValidateWithAsync(jwt, issuer.Options, config).ConfigureAwait(false);
        }

        if (!result.IsValid)
        {
            return (null, null, result.Exception switch
            {
                SecurityTokenInvalidAudienceException => "user token has the wrong audience",
                SecurityTokenInvalidIssuerException => "user token has the wrong issuer",
                SecurityTokenSignatureKeyNotFoundException => "user token is signed by an unknown key",
                SecurityTokenInvalidSignatureException => "user token signature is invalid",
                _ => "user token is invalid",
            });
        }

        var now = _time.GetUtcNow();
        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp))
        {
            return (null, null, "user token has no expiry");
        }

        if (DateTimeOffset.FromUnixTimeSeconds(exp) + issuer.Options.ClockSkew <= now)
        {
            return (null, null, "user token has expired");
        }

        if (jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf) - issuer.Options.ClockSkew > now)
        {
            return (null, null, "user token is not valid yet");
        }

        if (string.IsNullOrEmpty(jwt.Subject))
        {
            return (null, null, "user token has no subject");
        }

        jwt.TryGetPayloadValue<string>("preferred_username", out var name);
        return (issuer.Options.Issuer + "#" + jwt.Subject, name, null);
    }

    private Task<TokenValidationResult> ValidateWithAsync(JsonWebToken jwt, OidcIssuerOptions options, OpenIdConnectConfiguration config) =>
        _handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            IssuerSigningKeys = config.SigningKeys,
            ValidAlgorithms = options.Algorithms,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidateLifetime = false, // checked against TimeProvider by the caller
            RequireExpirationTime = true,
        });
}
