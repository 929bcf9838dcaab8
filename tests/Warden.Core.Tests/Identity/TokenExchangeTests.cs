using Microsoft.IdentityModel.JsonWebTokens;
using Warden.Core.Identity;

namespace Warden.Core.Tests.Identity;

public sealed class TokenExchangeTests
{
    [Fact]
    public async Task Exchange_UserKeyAndAgentKey_IssuesEs256TokenWithAllClaims()
    {
        using var f = new IdentityFixture();
        var (user, key) = await f.AddUserAsync("alice", "llm:openai/*:write", "tool:*:write");
        var agent = f.AddAgent("agt_1", "llm:openai/gpt-4o:write", "tool:github.search:write");

        var result = await f.Exchange.ExchangeAsync(IdentityFixture.Request(key, agent, "llm:openai/gpt-4o tool:github.search", taskId: "t-42"), default);

        Assert.True(result.Succeeded, result.ErrorDescription);
        var jwt = new JsonWebToken(result.Token!.Token);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal("task+jwt", jwt.Typ);
        Assert.Equal(user.Id, jwt.Subject);
        Assert.Equal("agt_1", jwt.GetPayloadValue<System.Text.Json.JsonElement>("act").GetProperty("sub").GetString());
        Assert.Equal("t-42", jwt.GetPayloadValue<string>("task_id"));
        Assert.Equal("llm:openai/gpt-4o:read tool:github.search:read", jwt.GetPayloadValue<string>("scope"));
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.Equal(f.Time.GetUtcNow().AddMinutes(30).ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("exp"));

        var auth = await f.Authenticator.AuthenticateAsync(result.Token.Token, default);
        Assert.True(auth.Succeeded, auth.FailureReason);
        Assert.Equal("agt_1", auth.Principal!.Id);
        Assert.Equal(PrincipalKind.Agent, auth.Principal.Kind);
        Assert.Equal(user.Id, auth.Principal.OnBehalfOf);
        Assert.Equal("t-42", auth.Principal.TaskId);
        Assert.Equal("coder", auth.Principal.AgentType);
        Assert.Equal("task_token", auth.Principal.CredentialType);
    }

    [Fact]
    public async Task Exchange_WriteAskedExplicitly_GrantsWrite()
    {
        using var f = new IdentityFixture();
        var (_, key) = await f.AddUserAsync("alice", "tool:*:write");
        var agent = f.AddAgent("agt_1", "tool:jira.create:write");
        var result = await f.Exchange.ExchangeAsync(IdentityFixture.Request(key, agent, "tool:jira.create:write"), default);
        Assert.Equal("tool:jira.create:write", result.Token!.Scopes.ToString());
    }

    [Fact]
    public async Task Exchange_NoScope_GrantsReadOnlyIntersection()
    {
        using var f = new IdentityFixture();
        var (_, key) = await f.AddUserAsync("alice", "llm:openai/*:write", "data:pii:write");
        var agent = f.AddAgent("agt_1", "llm:*:write", "tool:*:write");
        var result = await f.Exchange.ExchangeAsync(IdentityFixture.Request(key, agent), default);
        Assert.True(result.Succeeded, result.ErrorDescription);
        Assert.Equal("llm:openai/*:read", result.Token!.Scopes.ToString());
    }

    [Fact]
    public async Task Exchange_ScopeBeyondAgentCeiling_RefusedNamingScope()
    {
        using var f = new IdentityFixture();
        var (_, key) = await f.AddUserAsync("alice", "llm:*:write", "tool:*:write");
        var agent = f.AddAgent("agt_1", "llm:openai/gpt-4o-mini", "tool:github.search");
        var result = await f.Exchange.ExchangeAsync(IdentityFixture.Request(key, agent, "llm:openai/gpt-4o-mini tool:github.search:write"), default);
        Assert.False(result.Succeeded);
        Assert.Equal("invalid_scope", result.Error);
        Assert.Contains("tool:github.search:write: it exceeds the agent's ceiling", result.ErrorDescription, StringComparison.Ordinal);
        Assert.DoesNotContain("gpt-4o-mini", result.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_AgentActingForUserWhoLacksRight_Refused()
    {
        using var f = new IdentityFixture();
        var (_, key) = await f.AddUserAsync("bob", "llm:openai/gpt-4o-mini");
        var agent = f.AddAgent("agt_1", "llm:*:write");
        var result = await f.Exchange.ExchangeAsync(IdentityFixture.Request(key, agent, "llm:anthropic/claude-sonnet"), default);
        Assert.Equal("invalid_scope", result.Error);
        Assert.Contains("llm:anthropic/claude-sonnet:read: the user does not hold it", result.ErrorDescription, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("agent")]
    [InlineData("task")]
    public async Task Exchange_RevokedPrincipalOrTask_Refused(string what)
    {
        using var f = new IdentityFixture();
        var (user, key) = await f.AddUserAsync("alice", "llm:*");
        var agent = f.AddAgent("agt_1", "llm:*");
        var (kind, id) = what switch
        {
            "user" => (RevocationKind.Principal, user.Id),
            "agent" => (RevocationKind.Principal, "agt_1"),
            _ => (RevocationKind.Task, "t1"),
        };
        await f.Revocations.RevokeAsync(kind, id, null, default);
        var result = await f.Exchange.ExchangeAsync(IdentityFixture.Request(key, agent, "llm:openai/x", taskId: "t1"), default);
        Assert.Equal("invalid_grant", result.Error);
        Assert.Contains("revoked", result.ErrorDescription, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("urn:ietf:params:oauth:grant-type:jwt-bearer", null, "wda_test_a", null, "unsupported_grant_type")]
    [InlineData(null, "wdn_user_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "wda_test_a", null, "invalid_grant")]
    [InlineData(null, "KEY", "wdn_user_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", null, "invalid_grant")]
    [InlineData(null, "KEY", "wda_test_ghost", null, "invalid_grant")]
    [InlineData(null, "KEY", "wda_test_a", "100000", "invalid_request")]
    [InlineData(null, "KEY", "wda_test_a", "-5", "invalid_request")]
    [InlineData(null, "KEY", "", null, "invalid_request")]
    public async Task Exchange_BadRequest_ReturnsOAuthError(string? grant, string? subject, string actor, string? expiresIn, string error)
    {
        using var f = new IdentityFixture();
        var (_, key) = await f.AddUserAsync("alice", "llm:*");
        f.AddAgent("a", "llm:*");
        var req = IdentityFixture.Request(subject == "KEY" ? key : subject!, actor, "llm:openai/x", expiresIn) with
        {
            GrantType = grant ?? TokenExchangeRequest.TokenExchangeGrant,
        };
        var result = await f.Exchange.ExchangeAsync(req, default);
        Assert.Equal(error, result.Error);
        Assert.DoesNotContain(key, result.ErrorDescription ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_DisabledUser_Refused()
    {
        using var f = new IdentityFixture();
        var (user, key) = await f.AddUserAsync("alice", "llm:*");
        var agent = f.AddAgent("a", "llm:*");
        await f.Users.SetDisabledAsync(user.Id, true, default);
        var result = await f.Exchange.ExchangeAsync(IdentityFixture.Request(key, agent, "llm:x/y"), default);
        Assert.Equal("invalid_grant", result.Error);
    }

    [Theory]
    [InlineData("KEY", TokenExchangeRequest.JwtType, "subject_token is a Warden user key")]
    [InlineData("KEY", TokenExchangeRequest.AccessTokenType, "subject_token is a Warden user key")]
    [InlineData("eyJhbGciOiJub25lIn0.e30.", TokenExchangeRequest.ApiKeyType, "subject_token is not a Warden user key")]
    [InlineData("wda_test_a", TokenExchangeRequest.ApiKeyType, "subject_token is not a Warden user key")]
    [InlineData("KEY", "urn:ietf:params:oauth:token-type:saml2", "unsupported subject_token_type")]
    public async Task Exchange_SubjectTokenTypeDoesNotNameToken_RefusedWithReason(string subject, string type, string reason)
    {
        using var f = new IdentityFixture();
        var (_, key) = await f.AddUserAsync("alice", "llm:*");
        var agent = f.AddAgent("a", "llm:*");
        var req = IdentityFixture.Request(subject == "KEY" ? key : subject, agent, "llm:openai/x") with { SubjectTokenType = type };
        var result = await f.Exchange.ExchangeAsync(req, default);
        Assert.Equal("invalid_grant", result.Error);
        Assert.Contains(reason, result.ErrorDescription, StringComparison.Ordinal);
        Assert.DoesNotContain(key, result.ErrorDescription!, StringComparison.Ordinal);
    }
}
