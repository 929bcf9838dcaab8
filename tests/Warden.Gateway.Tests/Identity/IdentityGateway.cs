using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Identity;
using Warden.Core.Policy;
using Warden.Gateway.Authentication;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Identity;

/// <summary>
/// A gateway with a YAML policy and a stand-in <c>/v1/test/decide</c> that asks the PDP exactly as the
/// proxy does (the proxy lands separately) and answers the decision instead of calling a provider.
/// </summary>
internal static class IdentityGateway
{
    public const string Policy = """
        rules:
          - id: allow-openai-chat
            effect: allow
            actions: [llm.chat]
            when: resource.provider == "openai"
          - id: no-mini-for-tasks
            description: tasks may not use mini models
            effect: deny
            when: has(task.id) && resource.model.endsWith("-mini")
        """;

    public static async Task<GatewayFixture> StartAsync(string? dataDirectory = null, IDictionary<string, string?>? extra = null)
    {
        var policyFile = Path.Combine(Path.GetTempPath(), "warden-policy-" + Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(policyFile, Policy);
        var settings = new Dictionary<string, string?> { ["Warden:Policy:Path"] = policyFile };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        return await GatewayFixture.StartAsync(settings, endpoints: MapStandIn, dataDirectory: dataDirectory);
    }

    private static void MapStandIn(IEndpointRouteBuilder e) =>
        e.MapPost("/v1/test/decide", async (HttpContext ctx, IPolicyDecisionPoint pdp) =>
        {
            var principal = ctx.GetWardenPrincipal()!;
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
            var model = doc.RootElement.GetProperty("model").GetString()!;
            var slash = model.IndexOf('/', StringComparison.Ordinal);
            var decision = pdp.Decide(new PolicyRequest(principal, "llm.chat", model[..slash], model[(slash + 1)..]));
            return decision.IsPermitted
                ? Results.Json(new { rule = decision.RuleId, user = principal.OnBehalfOf, task = principal.TaskId })
                : Results.Json(new { error = decision.Reason, rule = decision.RuleId }, statusCode: 403);
        });

    /// <summary>Registers an agent with a ceiling and a user with rights through the admin API; returns their credentials.</summary>
    public static async Task<(string AgentKey, string AgentId, string UserKey, string UserId)> SetUpAsync(GatewayFixture gw, string[] ceiling, string[] rights, string agentName = "bot")
    {
        var store = gw.App.Services.GetRequiredService<IPrincipalStore>();
        var agentKey = await gw.CreateAgentKeyAsync(agentName);
        var agentId = (await store.FindAgentByNameAsync(agentName, default))!.Id;
        using var admin = gw.CreateClient(gw.Info.NewAdminKey);
        (await admin.PatchAsJsonAsync($"admin/agents/{agentId}/profile", new { type = "coder", ceiling })).EnsureSuccessStatusCode();
        var created = await admin.PostAsJsonAsync("admin/users", new { name = "alice", rights });
        created.EnsureSuccessStatusCode();
        var userId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var key = await (await admin.PostAsync($"admin/users/{userId}/keys", null)).Content.ReadFromJsonAsync<JsonElement>();
        return (agentKey, agentId, key.GetProperty("key").GetString()!, userId);
    }

    public static async Task<HttpResponseMessage> ExchangeAsync(GatewayFixture gw, string userKey, string agentKey, string? scope, string? taskId = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = TokenExchangeRequest.TokenExchangeGrant,
            ["subject_token"] = userKey,
            ["subject_token_type"] = TokenExchangeRequest.ApiKeyType,
            ["actor_token"] = agentKey,
            ["actor_token_type"] = TokenExchangeRequest.ApiKeyType,
        };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        if (taskId is not null)
        {
            form["task_id"] = taskId;
        }

        using var client = gw.CreateClient();
        return await client.PostAsync("oauth/token", new FormUrlEncodedContent(form));
    }

    public static async Task<string> TaskTokenAsync(GatewayFixture gw, string userKey, string agentKey, string scope, string? taskId = null)
    {
        var response = await ExchangeAsync(gw, userKey, agentKey, scope, taskId);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    public static async Task<HttpResponseMessage> ChatAsync(GatewayFixture gw, string bearer, string model)
    {
        using var client = gw.CreateClient(bearer);
        return await client.PostAsJsonAsync("v1/test/decide", new { model, messages = new[] { new { role = "user", content = "hello there" } } });
    }
}
