using System.Net;
using System.Net.Http.Json;
using Warden.Gateway.Proxy;

namespace Warden.Gateway.Tests.Policy;

/// <summary>
/// Table-driven policy tests through the real proxy endpoints with a task token: outside the grant → denied with the
/// reason; a data classification the policy forbids for the provider → denied; allowed → reaches the fake provider.
/// Each denial writes a <c>policy.decision</c> record with the rule; each allowed request's <c>gateway.request</c>
/// carries the deciding rule.
/// </summary>
public sealed class ProxyPolicyTests : IAsyncLifetime
{
    private const string Scope = "llm:openai/gpt-4o-mini llm:anthropic/* data:pii data:public";
    private PolicyGateway _gw = null!;
    private string _token = "";

    public static TheoryData<string, string, string?, string?, int, string, string?> Cases => new()
    {
        // endpoint, model, provider (/api/proxy), data header, status, rule in the answer / record, provider reached
        { "v1/chat/completions", "gpt-4o-mini", null, null, 200, "allow-chat", "openai" },
        { "v1/chat/completions", "gpt-4o-mini", null, "public", 200, "allow-chat", "openai" },
        { "v1/chat/completions", "gpt-4o", null, null, 403, "task-scope", null },
        { "v1/chat/completions", "gpt-4o-mini", null, "pii", 403, "no-pii-to-openai", null },
        { "v1/chat/completions", "gpt-4o-mini", null, "phi", 403, "task-scope", null },
        { "v1/messages", "claude-sonnet-4-5", null, "pii", 200, "allow-chat", "anthropic" },
        { "v1/messages", "claude-sonnet-4-5", null, "secret", 403, "task-scope", null },
        { "v1/messages", "gpt-4o-mini", null, "pii", 403, "no-pii-to-openai", null },
        { "api/proxy", "gpt-4o-mini", "openai", null, 200, "allow-chat", "openai" },
        { "api/proxy", "gpt-4o", "openai", null, 403, "task-scope", null },
        { "api/proxy", "gpt-4o-mini", "openai", "pii", 403, "no-pii-to-openai", null },
        { "api/proxy", "claude-sonnet-4-5", "anthropic", "pii,public", 200, "allow-chat", "anthropic" },
    };

    public async Task InitializeAsync()
    {
        _gw = await PolicyGateway.StartAsync();
        _token = await _gw.TokenAsync(Scope, "task-table");
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TaskToken_ThroughRealEndpoint_DecidedByPolicy(string endpoint, string model, string? provider, string? data, int status, string rule, string? reached)
    {
        var before = (_gw.OpenAI.Requests.Count, _gw.Anthropic.Requests.Count);
        using var client = _gw.Gateway.CreateClient(_token);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = JsonContent.Create(new Dictionary<string, object?>
            {
                ["model"] = model,
                ["provider"] = provider,
                ["max_tokens"] = 64,
                ["messages"] = new[] { new { role = "user", content = "hello there" } },
            }),
        };
        if (data is not null)
        {
            request.Headers.Add(ProxyHandler.DataClassificationHeader, data);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{(int)response.StatusCode}: {body}");
        var after = (_gw.OpenAI.Requests.Count, _gw.Anthropic.Requests.Count);
        Assert.Equal(reached == "openai" ? before.Item1 + 1 : before.Item1, after.Item1);
        Assert.Equal(reached == "anthropic" ? before.Item2 + 1 : before.Item2, after.Item2);
        if (status == 403)
        {
            Assert.Contains(rule, body, StringComparison.Ordinal);
            var denial = Assert.Single(await _gw.RecordsAsync("policy.decision"));
            Assert.Equal(rule, denial.RuleId);
            Assert.Equal("deny", denial.Decision);
            Assert.Equal(_gw.AgentId, denial.AgentId);
            Assert.Equal(_gw.UserId, denial.OnBehalfOf);
            Assert.Equal("task-table", denial.TaskId);
            Assert.False(string.IsNullOrEmpty(denial.Attributes!["reason"]));
            Assert.Empty(await _gw.RecordsAsync("gateway.request"));
        }
        else
        {
            Assert.Empty(await _gw.RecordsAsync("policy.decision"));
            var allowed = Assert.Single(await _gw.RecordsAsync("gateway.request"));
            Assert.Equal(rule, allowed.RuleId);
            Assert.Equal(rule, Assert.Single(await _gw.RecordsAsync("gateway.response", atLeast: 1)).RuleId);
        }
    }

    [Fact]
    public async Task BadDataClassificationHeader_400()
    {
        using var client = _gw.Gateway.CreateClient(_token);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "x" } } }),
        };
        request.Headers.Add(ProxyHandler.DataClassificationHeader, "PII!");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_gw.OpenAI.Requests);
    }
}
