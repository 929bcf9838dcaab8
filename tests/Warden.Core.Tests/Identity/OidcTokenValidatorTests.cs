using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Warden.Core.Identity;

namespace Warden.Core.Tests.Identity;

public sealed class OidcTokenValidatorTests : IDisposable
{
    private const string Iss = "https://idp.example.com";
    private readonly ECDsa _idpKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly OidcTokenValidator _validator;

    public OidcTokenValidatorTests()
    {
        var config = new OpenIdConnectConfiguration { Issuer = Iss };
        config.SigningKeys.Add(new ECDsaSecurityKey(_idpKey) { KeyId = "idp-1" });
        var options = new OidcIssuerOptions { Issuer = Iss, Audience = "warden" };
        _validator = new OidcTokenValidator([(options, new StaticConfigurationManager<OpenIdConnectConfiguration>(config))], _time);
    }

    public void Dispose() => _idpKey.Dispose();

    private string Token(string iss = Iss, string aud = "warden", TimeSpan? life = null, ECDsa? key = null, string sub = "alice-sub") =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = iss,
            Audience = aud,
            IssuedAt = _time.GetUtcNow().UtcDateTime,
            Expires = (_time.GetUtcNow() + (life ?? TimeSpan.FromMinutes(10))).UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = sub, ["preferred_username"] = "alice" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key ?? _idpKey) { KeyId = "idp-1" }, SecurityAlgorithms.EcdsaSha256),
        });

    [Fact]
    public async Task Validate_GoodToken_ReturnsIssuerAndSubject()
    {
        var (subject, name, error) = await _validator.ValidateAsync(Token(), default);
        Assert.Null(error);
        Assert.Equal(Iss + "#alice-sub", subject);
        Assert.Equal("alice", name);
    }

    [Fact]
    public async Task Validate_Expired_Fails()
    {
        var token = Token(life: TimeSpan.FromMinutes(5));
        _time.Advance(TimeSpan.FromMinutes(7));
        Assert.Equal("user token has expired", (await _validator.ValidateAsync(token, default)).Error);
    }

    [Fact]
    public async Task Validate_ExpiredWithinSkew_Succeeds()
    {
        var token = Token(life: TimeSpan.FromMinutes(5));
        _time.Advance(TimeSpan.FromMinutes(5.5));
        Assert.Null((await _validator.ValidateAsync(token, default)).Error);
    }

    [Fact]
    public async Task Validate_WrongAudience_Fails() =>
        Assert.Equal("user token has the wrong audience", (await _validator.ValidateAsync(Token(aud: "other-app"), default)).Error);

    [Fact]
    public async Task Validate_UntrustedIssuer_Fails() =>
        Assert.Equal("user token is from an issuer that is not trusted", (await _validator.ValidateAsync(Token(iss: "https://evil.example.com"), default)).Error);

    [Fact]
    public async Task Validate_SignedByOtherKey_Fails()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal("user token signature is invalid", (await _validator.ValidateAsync(Token(key: other), default)).Error);
    }

    [Fact]
    public async Task Validate_AlgNone_Fails()
    {
        var parts = Token().Split('.');
        var header = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes("{\"alg\":\"none\",\"typ\":\"JWT\"}"));
        Assert.NotNull((await _validator.ValidateAsync(header + "." + parts[1] + ".", default)).Error);
    }

    [Fact]
    public async Task Validate_Garbage_Fails() =>
        Assert.Equal("user token is malformed", (await _validator.ValidateAsync("not-a-jwt", default)).Error);

    [Fact]
    public async Task Exchange_SsoUserToken_IssuesTaskToken()
    {
        using var f = new IdentityFixture(oidc: _validator);
        f.Time.SetUtcNow(_time.GetUtcNow());
        await f.Users.CreateAsync("alice", ["llm:openai/*"], Iss + "#alice-sub", default);
        var agent = f.AddAgent("agt_1", "llm:*");
        var req = IdentityFixture.Request(Token(), agent, "llm:openai/gpt-4o") with { SubjectTokenType = TokenExchangeRequest.JwtType };
        var result = await f.Exchange.ExchangeAsync(req, default);
        Assert.True(result.Succeeded, result.ErrorDescription);

        var unknown = IdentityFixture.Request(Token(sub: "mallory"), agent, "llm:openai/gpt-4o") with { SubjectTokenType = TokenExchangeRequest.JwtType };
        Assert.Equal("invalid_grant", (await f.Exchange.ExchangeAsync(unknown, default)).Error);
    }
}
