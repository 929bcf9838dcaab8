using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Warden.Gateway.Tests.Identity;

public sealed class TokenExchangeEndpointTests
{
    [Fact]
    public async Task Exchange_ThenTaskTokenOnV1_AllowedWithinGrant_DeniedOutsideWithReason()
    {
        await using var gw = await IdentityGateway.StartAsync();
        var (agentKey, agentId, userKey, userId) = await IdentityGateway.SetUpAsync(gw, ["llm:openai/*"], ["llm:openai/*", "llm:anthropic/*"]);

        var response = await IdentityGateway.ExchangeAsync(gw, userKey, agentKey, "llm:openai/gpt-4o llm:openai/gpt-4o-mini", "task-7");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(1800, body.GetProperty("expires_in").GetInt64());
        Assert.Equal("task-7", body.GetProperty("task_id").GetString());
        var token = body.GetProperty("access_token").GetString()!;

        var allowed = await IdentityGateway.ChatAsync(gw, token, "openai/gpt-4o");
        var allowedBody = await allowed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("allow-openai-chat", allowedBody.GetProperty("rule").GetString());
        Assert.Equal(userId, allowedBody.GetProperty("user").GetString());

        var outsideScope = await IdentityGateway.ChatAsync(gw, token, "openai/o3");
        Assert.Equal(HttpStatusCode.Forbidden, outsideScope.StatusCode);
        Assert.Contains("does not include llm:openai/o3:read", (await outsideScope.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);

        var byRule = await IdentityGateway.ChatAsync(gw, token, "openai/gpt-4o-mini");
        Assert.Equal(HttpStatusCode.Forbidden, byRule.StatusCode);
        Assert.Equal("no-mini-for-tasks", (await byRule.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());

        // Canaries: neither the user key nor the task token is logged or stored.
        Assert.DoesNotContain(userKey, gw.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(token, gw.Logs.AllText, StringComparison.Ordinal);
        var files = gw.ReadAllDataFiles();
        Assert.DoesNotContain(userKey, files, StringComparison.Ordinal);
        Assert.DoesNotContain(token, files, StringComparison.Ordinal);
        _ = agentId;
    }

    [Fact]
    public async Task TokenEndpoint_FloodFromOneAddress_429WithRetryAfter_AfterTheBucket()
    {
        await using var gw = await IdentityGateway.StartAsync(extra: new Dictionary<string, string?> { ["Warden:Identity:TokenRequestsPerMinute"] = "3" });
        var (agentKey, _, userKey, _) = await IdentityGateway.SetUpAsync(gw, ["llm:openai/*"], ["llm:openai/*"]);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last = await IdentityGateway.ExchangeAsync(gw, userKey, agentKey, "llm:openai/gpt-4o", "task-" + i);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(int.Parse(last!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("slow_down", (await last.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Exchange_ScopeBeyondCeiling_400NamesRefusedScope()
    {
        await using var gw = await IdentityGateway.StartAsync();
        var (agentKey, _, userKey, _) = await IdentityGateway.SetUpAsync(gw, ["llm:openai/*"], ["llm:*"]);
        var response = await IdentityGateway.ExchangeAsync(gw, userKey, agentKey, "llm:anthropic/claude");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
        Assert.Contains("llm:anthropic/claude:read: it exceeds the agent's ceiling", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("grant_type=password&username=a&password=b", "unsupported_grant_type")]
    [InlineData("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange", "invalid_request")]
    [InlineData("grant_type=x&grant_type=y", "invalid_request")]
    public async Task Exchange_BadForm_OAuthError(string form, string error)
    {
        await using var gw = await IdentityGateway.StartAsync();
        using var client = gw.CreateClient();
        var response = await client.PostAsync("oauth/token", new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Jwks_PublishesKeyThatVerifiesIssuedToken()
    {
        await using var gw = await IdentityGateway.StartAsync();
        var (agentKey, _, userKey, _) = await IdentityGateway.SetUpAsync(gw, ["llm:openai/*"], ["llm:openai/*"]);
        var token = await IdentityGateway.TaskTokenAsync(gw, userKey, agentKey, "llm:openai/gpt-4o");
        using var client = gw.CreateClient();
        var jwks = new JsonWebKeySet(await client.GetStringAsync(".well-known/jwks.json"));
        Assert.All(jwks.Keys, k => Assert.Null(k.D));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "warden",
            ValidAudience = "warden-gateway",
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidTypes = ["task+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task Revocation_TakesEffectOnVeryNextRequest()
    {
        await using var gw = await IdentityGateway.StartAsync();
        var (agentKey, _, userKey, _) = await IdentityGateway.SetUpAsync(gw, ["llm:openai/*"], ["llm:openai/*"]);
        var token = await IdentityGateway.TaskTokenAsync(gw, userKey, agentKey, "llm:openai/gpt-4o", "task-r");
        Assert.Equal(HttpStatusCode.OK, (await IdentityGateway.ChatAsync(gw, token, "openai/gpt-4o")).StatusCode);

        using var admin = gw.CreateClient(gw.Info.NewAdminKey);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync("admin/revocations", new { kind = "task", id = "task-r" })).StatusCode);

        var after = await IdentityGateway.ChatAsync(gw, token, "openai/gpt-4o");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("revoked (task task-r)", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await IdentityGateway.ExchangeAsync(gw, userKey, agentKey, "llm:openai/gpt-4o", "task-r")).StatusCode);
    }

    [Fact]
    public async Task AdminApi_NonAdmin403_BadInput400Problem_OpenApiServed()
    {
        await using var gw = await IdentityGateway.StartAsync();
        var agentKey = await gw.CreateAgentKeyAsync("someone");
        using var agent = gw.CreateClient(agentKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("admin/users")).StatusCode);

        using var admin = gw.CreateClient(gw.Info.NewAdminKey);
        var bad = await admin.PostAsJsonAsync("admin/users", new { name = "bob", rights = new[] { "root:everything" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        Assert.Contains("unknown kind", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var openapi = await admin.GetStringAsync("admin/openapi/admin.json");
        Assert.Contains("/admin/users", openapi, StringComparison.Ordinal);
        Assert.Contains("/admin/policy/explain", openapi, StringComparison.Ordinal);

        var explain = await admin.PostAsJsonAsync("admin/policy/explain", new { action = "llm.chat", provider = "mistral", model = "large" });
        var e = await explain.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("deny", e.GetProperty("effect").GetString());
        Assert.Equal("default-deny", e.GetProperty("rule_id").GetString());
        Assert.Equal(2, e.GetProperty("rules").GetArrayLength());
    }
}
