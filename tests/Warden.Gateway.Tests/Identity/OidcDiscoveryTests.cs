using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Warden.Core.Identity;

namespace Warden.Gateway.Tests.Identity;

/// <summary>OIDC discovery and JWKS fetched over HTTP from a loopback identity provider, including key rotation.</summary>
public sealed class OidcDiscoveryTests
{
    [Fact]
    public async Task Validate_KeysFromDiscovery_RefetchedWhenIdpRotates()
    {
        using var key1 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key2 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var current = (Key: key1, Kid: "k1");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var idp = builder.Build();
        string issuer = null!;
        idp.MapGet("/.well-known/openid-configuration", () => Results.Text(
            $$"""{"issuer":"{{issuer}}","jwks_uri":"{{issuer}}/jwks"}""", "application/json"));
        idp.MapGet("/jwks", () =>
        {
            var p = current.Key.ExportParameters(false);
            return Results.Text($$"""{"keys":[{"kty":"EC","crv":"P-256","kid":"{{current.Kid}}","use":"sig","x":"{{Base64UrlEncoder.Encode(p.Q.X)}}","y":"{{Base64UrlEncoder.Encode(p.Q.Y)}}"}]}""", "application/json");
        });
        await idp.StartAsync();
        issuer = idp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

        var validator = new OidcTokenValidator([new OidcIssuerOptions { Issuer = issuer, Audience = "warden", RequireHttps = false }], TimeProvider.System);
        string Sign(ECDsa k, string kid) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "warden",
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = "alice" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(k) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256),
        });

        Assert.Equal(issuer + "#alice", (await validator.ValidateAsync(Sign(key1, "k1"), default)).ExternalSubject);

        current = (key2, "k2"); // the IdP rotates; Warden must refetch on the unknown kid
        // The unknown kid triggers a refresh; the library fetches in the background, so allow it a moment.
        string? error = "not tried";
        for (var i = 0; i < 50 && error is not null; i++)
        {
            error = (await validator.ValidateAsync(Sign(key2, "k2"), default)).Error;
            if (error is not null)
            {
                await Task.Delay(100);
            }
        }

        Assert.Null(error);
        Assert.Equal("user token is signed by an unknown key", (await validator.ValidateAsync(Sign(key1, "k9"), default)).Error);
        await idp.StopAsync();
    }
}
