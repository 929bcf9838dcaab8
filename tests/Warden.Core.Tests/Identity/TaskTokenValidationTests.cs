using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Warden.Core.Identity;

namespace Warden.Core.Tests.Identity;

public sealed class TaskTokenValidationTests
{
    private static readonly AgentProfile Agent = new("agt_1", "bot", "o", "coder", null, ["llm:*"]);

    private static async Task<string> IssueAsync(IdentityFixture f, TaskTokenIssuer? issuer = null, TimeSpan? lifetime = null) =>
        (await (issuer ?? f.Issuer).IssueAsync("usr_1", Agent, "task-1", ScopeSet.Parse(["llm:openai/gpt-4o"]), lifetime ?? TimeSpan.FromMinutes(30), default)).Token;

    [Fact]
    public async Task Validate_FreshToken_Succeeds()
    {
        using var f = new IdentityFixture();
        var result = await f.Authenticator.AuthenticateAsync(await IssueAsync(f), default);
        Assert.True(result.Succeeded, result.FailureReason);
        Assert.Equal(["llm:openai/gpt-4o:read"], result.Principal!.GrantedScopes);
    }

    [Fact]
    public async Task Validate_AfterExpiryPlusSkew_FailsExpired()
    {
        using var f = new IdentityFixture();
        var token = await IssueAsync(f);
        Assert.True((await f.Validator.ValidateAsync(token, default)).Succeeded); // now cached
        f.Time.Advance(TimeSpan.FromMinutes(30) + f.Options.ClockSkew);
        var result = await f.Validator.ValidateAsync(token, default);
        Assert.Equal("task token has expired", result.FailureReason);
    }

    [Fact]
    public async Task Validate_WithinSkewAfterExpiry_Succeeds()
    {
        using var f = new IdentityFixture();
        var token = await IssueAsync(f);
        f.Time.Advance(TimeSpan.FromMinutes(30) + f.Options.ClockSkew - TimeSpan.FromSeconds(1));
        Assert.True((await f.Validator.ValidateAsync(token, default)).Succeeded);
    }

    [Fact]
    public async Task Validate_WrongAudience_Fails()
    {
        using var f = new IdentityFixture();
        var other = new TaskTokenIssuer(f.Keys, f.Options with { Audience = "someone-else" }, f.Time);
        var result = await f.Validator.ValidateAsync(await IssueAsync(f, other), default);
        Assert.Equal("task token has the wrong audience", result.FailureReason);
    }

    [Fact]
    public async Task Validate_WrongIssuer_Fails()
    {
        using var f = new IdentityFixture();
        var other = new TaskTokenIssuer(f.Keys, f.Options with { Issuer = "evil" }, f.Time);
        var result = await f.Validator.ValidateAsync(await IssueAsync(f, other), default);
        Assert.Equal("task token has the wrong issuer", result.FailureReason);
    }

    [Fact]
    public async Task Validate_TamperedPayload_FailsSignature()
    {
        using var f = new IdentityFixture();
        var parts = (await IssueAsync(f)).Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]))
            .Replace("llm:openai/gpt-4o:read", "llm:*:write", StringComparison.Ordinal);
        var tampered = parts[0] + "." + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload)) + "." + parts[2];
        var result = await f.Authenticator.AuthenticateAsync(tampered, default);
        Assert.False(result.Succeeded);
        Assert.Equal("task token signature is invalid", result.FailureReason);
    }

    [Fact]
    public async Task Validate_AlgNone_Fails()
    {
        using var f = new IdentityFixture();
        var parts = (await IssueAsync(f)).Split('.');
        var header = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[0])).Replace("\"ES256\"", "\"none\"", StringComparison.Ordinal);
        var none = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(header)) + "." + parts[1] + ".";
        Assert.True(f.Authenticator.CanHandle(none));
        var result = await f.Authenticator.AuthenticateAsync(none, default);
        Assert.False(result.Succeeded);
        Assert.Equal("task token must be signed with ES256", result.FailureReason);
    }

    [Fact]
    public async Task Validate_Hs256SignedWithPublicKey_Fails()
    {
        using var f = new IdentityFixture();
        var valid = await IssueAsync(f);
        var jwks = Encoding.UTF8.GetString(await f.Keys.GetJwksAsync(default));
        var kid = new JsonWebToken(valid).Kid;
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = f.Options.Issuer,
            Audience = f.Options.Audience,
            TokenType = "task+jwt",
            Expires = f.Time.GetUtcNow().AddMinutes(5).UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = "u", ["jti"] = "j", ["task_id"] = "t", ["scope"] = "llm:*:write", ["act"] = new Dictionary<string, object> { ["sub"] = "a" } },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwks.PadRight(64, 'x'))) { KeyId = kid }, SecurityAlgorithms.HmacSha256),
        });
        Assert.False((await f.Authenticator.AuthenticateAsync(token, default)).Succeeded);
    }

    [Fact]
    public async Task Validate_SignedByForeignKey_FailsUnknownKey()
    {
        using var f = new IdentityFixture();
        using var other = new IdentityFixture();
        var result = await f.Validator.ValidateAsync(await IssueAsync(other), default);
        Assert.Equal("task token is signed by an unknown key", result.FailureReason);
    }

    [Fact]
    public async Task Validate_ForgedWithOwnKeyAndGuessedKid_FailsSignature()
    {
        using var f = new IdentityFixture();
        var kid = new JsonWebToken(await IssueAsync(f)).Kid;
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = f.Options.Issuer,
            Audience = f.Options.Audience,
            TokenType = "task+jwt",
            Expires = f.Time.GetUtcNow().AddMinutes(5).UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = "u", ["jti"] = "j", ["task_id"] = "t", ["scope"] = "llm:*:write", ["act"] = new Dictionary<string, object> { ["sub"] = "a" } },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(attacker) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256),
        });
        Assert.Equal("task token signature is invalid", (await f.Validator.ValidateAsync(token, default)).FailureReason);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("task")]
    [InlineData("agent")]
    [InlineData("user")]
    public async Task Authenticate_AfterRevocation_FailsOnNextRequest(string what)
    {
        using var f = new IdentityFixture();
        var token = await IssueAsync(f);
        Assert.True((await f.Authenticator.AuthenticateAsync(token, default)).Succeeded);
        var jti = new JsonWebToken(token).Id;
        var (kind, id) = what switch
        {
            "token" => (RevocationKind.Token, jti),
            "task" => (RevocationKind.Task, "task-1"),
            "agent" => (RevocationKind.Principal, "agt_1"),
            _ => (RevocationKind.Principal, "usr_1"),
        };
        await f.Revocations.RevokeAsync(kind, id, null, default);
        var result = await f.Authenticator.AuthenticateAsync(token, default);
        Assert.False(result.Succeeded);
        Assert.StartsWith("task token revoked", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revocation_WithExpiry_LapsesAfterwards()
    {
        using var f = new IdentityFixture();
        var token = await IssueAsync(f);
        await f.Revocations.RevokeAsync(RevocationKind.Task, "task-1", f.Time.GetUtcNow().AddMinutes(1), default);
        Assert.False((await f.Authenticator.AuthenticateAsync(token, default)).Succeeded);
        f.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.True((await f.Authenticator.AuthenticateAsync(token, default)).Succeeded);
    }

    [Fact]
    public async Task KeyRotation_OldTokensStillValid_JwksListsBothKeys()
    {
        using var f = new IdentityFixture(new TaskTokenOptions { KeyRotationPeriod = TimeSpan.FromHours(1) });
        var first = await IssueAsync(f);
        f.Time.Advance(TimeSpan.FromMinutes(61));
        var second = await IssueAsync(f);
        Assert.NotEqual(new JsonWebToken(first).Kid, new JsonWebToken(second).Kid);
        Assert.True((await f.Validator.ValidateAsync(second, default)).Succeeded);
        var jwks = Encoding.UTF8.GetString(await f.Keys.GetJwksAsync(default));
        Assert.Contains(new JsonWebToken(first).Kid, jwks, StringComparison.Ordinal);
        Assert.Contains(new JsonWebToken(second).Kid, jwks, StringComparison.Ordinal);
        Assert.DoesNotContain("\"d\"", jwks, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRing_SharedStore_SecondReplicaVerifiesFirstReplicasKey()
    {
        var store = new InMemorySigningKeyStore();
        using var a = new IdentityFixture(keyStore: store);
        using var b = new IdentityFixture(keyStore: store);
        var token = await IssueAsync(a);
        Assert.True((await b.Validator.ValidateAsync(token, default)).Succeeded);
    }

    [Theory]
    [InlineData("wda_x")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.sig")]
    [InlineData("eyJ!!!.e30.sig")]
    public void CanHandle_NotATaskToken_False(string credential) =>
        Assert.False(TaskTokenValidator.LooksLikeTaskToken(credential));
}
