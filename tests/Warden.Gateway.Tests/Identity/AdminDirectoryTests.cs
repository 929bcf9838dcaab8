using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Warden.Gateway.Tests.Infrastructure;
using Warden.Gateway.Tests.Policy;

namespace Warden.Gateway.Tests.Identity;

/// <summary>
/// The admin API covers agents (create with a key shown once, list, revoke: refused on the very next request) and
/// provider keys (set, list, delete; never shown, used from the next request), each change audited as <c>admin.change</c>;
/// token exchanges and revocations get their own records.
/// </summary>
public sealed class AdminDirectoryTests
{
    [Fact]
    public async Task Agents_CreateListRevoke_RevokedKeyRefusedOnNextRequest_Audited()
    {
        await using var gw = await PolicyGateway.StartAsync(policy: "");
        using var admin = gw.Gateway.CreateClient(gw.Gateway.Info.NewAdminKey);
        using var created = await admin.PostAsJsonAsync("admin/agents", new { name = "api-bot", type = "coder", ceiling = new[] { "llm:openai/*" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetString()!;
        var key = body.GetProperty("key").GetString()!;
        Assert.StartsWith("wdn_agent_", key, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("admin/agents", new { name = "api-bot" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("admin/agents", new { name = "bad name!" })).StatusCode);

        var list = await admin.GetStringAsync("admin/agents");
        Assert.Contains("api-bot", list, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);
        var profile = await admin.GetFromJsonAsync<JsonElement>($"admin/agents/{id}/profile");
        Assert.Equal("llm:openai/*", profile.GetProperty("ceiling")[0].GetString());

        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gw, key));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"admin/agents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ChatAsync(gw, key));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("admin/agents/agt_nope")).StatusCode);

        var changes = (await gw.RecordsAsync("admin.change")).Where(c => c.Attributes!["target"] == "agent" && c.Attributes["id"] == id).Select(c => c.Attributes!["operation"]);
        Assert.Equal(["create", "revoke"], changes);
        Assert.DoesNotContain(key, gw.Gateway.ReadAllDataFiles(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderKey_SetThroughApi_UsedNextRequest_NeverShown_DeleteRemovesIt()
    {
        await using var gw = await PolicyGateway.StartAsync(policy: "");
        using var admin = gw.Gateway.CreateClient(gw.Gateway.Info.NewAdminKey);
        const string rotated = "sk-rotated-CANARY-4b7e1d";
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync("admin/providers/openai/key", new { key = rotated })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gw, gw.AgentKey));
        Assert.Equal("Bearer " + rotated, gw.OpenAI.Requests.Last().Headers["Authorization"]);

        var providers = await admin.GetStringAsync("admin/providers");
        Assert.Contains("\"openai\"", providers, StringComparison.Ordinal);
        Assert.DoesNotContain(rotated, providers, StringComparison.Ordinal);
        Assert.DoesNotContain(rotated, gw.Gateway.ReadAllDataFiles(), StringComparison.Ordinal);
        Assert.DoesNotContain(rotated, gw.Gateway.Logs.AllText, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("admin/providers/nope/key", new { key = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("admin/providers/openai/key", new { key = "" })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("admin/providers/openai/key")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gw, gw.AgentKey));
        Assert.False(gw.OpenAI.Requests.Last().Headers.ContainsKey("Authorization"));
        var ops = (await gw.RecordsAsync("admin.change")).Where(c => c.Attributes!["target"] == "provider_key").Select(c => c.Attributes!["operation"]);
        Assert.Equal(["set", "delete"], ops);
    }

    [Fact]
    public async Task Grants_AndRevocations_HaveTheirOwnRecords()
    {
        await using var gw = await PolicyGateway.StartAsync(policy: "");
        var token = await gw.TokenAsync("llm:openai/*", "task-rec");
        var refused = await IdentityGateway.ExchangeAsync(gw.Gateway, gw.UserKey, gw.AgentKey, "llm:mistral/*");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var grants = await gw.RecordsAsync("identity.grant");
        var issued = Assert.Single(grants, g => g.Decision == "allow");
        Assert.Equal("task-rec", issued.TaskId);
        Assert.Equal(gw.AgentId, issued.AgentId);
        Assert.Equal(gw.UserId, issued.OnBehalfOf);
        Assert.Equal("llm:openai/*:read", issued.Attributes!["scope"]);
        Assert.DoesNotContain(token, string.Join(",", issued.Attributes.Values), StringComparison.Ordinal);
        var denied = Assert.Single(grants, g => g.Decision == "deny");
        Assert.Equal("invalid_scope", denied.Attributes!["error"]);

        using var admin = gw.Gateway.CreateClient(gw.Gateway.Info.NewAdminKey);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync("admin/revocations", new { kind = "task", id = "task-rec" })).StatusCode);
        var revocation = Assert.Single(await gw.RecordsAsync("identity.revocation"));
        Assert.Equal("task-rec", revocation.TaskId);
        Assert.Equal("revoke.task", revocation.Action);
        Assert.DoesNotContain(await gw.RecordsAsync("admin.request"), r => r.Action == "POST /admin/revocations");
        Assert.Equal(HttpStatusCode.Unauthorized, await ChatAsync(gw, token));
    }

    private static async Task<HttpStatusCode> ChatAsync(PolicyGateway gw, string bearer)
    {
        using var client = gw.Gateway.CreateClient(bearer);
        using var response = await client.PostAsJsonAsync("v1/chat/completions", new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "hi" } } });
        return response.StatusCode;
    }

    [Theory]
    [InlineData("POST", "admin/agents", """{"name":5}""")]
    [InlineData("PUT", "admin/users/u1/rights", """{"rights":"all"}""")]
    [InlineData("PUT", "admin/providers/openai/key", """{"key":5}""")]
    [InlineData("POST", "admin/agents", """{"name":"a","ceiling":"llm:*"}""")]
    public async Task AdminBody_FieldOfWrongType_Returns400ProblemJson(string method, string path, string body)
    {
        await using var gw = await PolicyGateway.StartAsync(policy: "");
        using var admin = gw.Gateway.CreateClient(gw.Gateway.Info.NewAdminKey);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        using var response = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("warden_invalid_json", problem.GetProperty("code").GetString());
        Assert.Contains("wrong JSON type", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
