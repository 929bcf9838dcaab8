using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Audit;
using Warden.Core.Policy;
using Warden.Core.Pseudonymization;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>Policy, audit and pseudonymization hooks in the request path: each fails closed.</summary>
public sealed class RequestPathHookTests
{
    private const string Name = "Alice Wonderland";

    private static StringContent Proxy(bool scrub, bool stream = false, string provider = "openai") => new(
        JsonSerializer.Serialize(new { provider, model = "gpt-4o-mini", scrub, stream, messages = new[] { new { role = "user", content = $"Write to {Name} today" } } }),
        Encoding.UTF8, "application/json");

    private sealed class ThrowingPdp : IPolicyDecisionPoint
    {
        public PolicyDecision Decide(PolicyRequest request) => throw new InvalidOperationException("policy engine down");
    }

    private sealed class ThrowingAudit : IAuditTrail
    {
        public ValueTask<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken) => throw new IOException("disk full");
    }

    private sealed class RecordingAudit : IAuditTrail
    {
        public List<AuditEvent> Events { get; } = [];

        public ValueTask<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
        {
            lock (Events)
            {
                Events.Add(auditEvent);
                return ValueTask.FromResult((long)Events.Count);
            }
        }
    }

    [Fact]
    public async Task Scrub_ProviderSeesSurrogates_CallerGetsOriginals()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai),
            services: s => s.AddSingleton<IPseudonymizer>(new TestPseudonymizer(Name)));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));

        using var response = await client.PostAsync("api/proxy", Proxy(scrub: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal($"Hello from the fake provider | Write to {Name} today", (string?)json["choices"]![0]!["message"]!["content"]);
        var sent = openai.Requests.Single();
        Assert.DoesNotContain(Name, sent.Body, StringComparison.Ordinal);
        Assert.Contains("<PERSON_1>", sent.Body, StringComparison.Ordinal);
        Assert.Null(sent.Json["scrub"]);
        Assert.Null(sent.Json["provider"]);
    }

    [Fact]
    public async Task Scrub_Streaming_RestoresSurrogatesSplitAcrossChunks()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai),
            services: s => s.AddSingleton<IPseudonymizer>(new TestPseudonymizer(Name)));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("api/proxy", Proxy(scrub: true, stream: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = new StringBuilder();
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
        {
            if (line.StartsWith("data: {", StringComparison.Ordinal) && JsonNode.Parse(line[6..])!["choices"] is JsonArray { Count: > 0 } choices)
            {
                text.Append((string?)choices[0]!["delta"]!["content"]);
            }
        }

        Assert.Equal($"Hello from the fake provider | Write to {Name} today ", text.ToString());
        Assert.DoesNotContain(Name, openai.Requests.Single().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrub_RequiredByProvider_NoPseudonymizer_Refuses()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        var settings = ProxySettings.For(openai);
        settings["Warden:Providers:openai:RequireScrub"] = "true";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(openai.Requests);
    }

    [Fact]
    public async Task Scrub_PseudonymizerThrows_Refuses()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai),
            services: s => s.AddSingleton<IPseudonymizer>(new TestPseudonymizer(Name) { Throw = true }));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("api/proxy", Proxy(scrub: true));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(openai.Requests);
    }

    [Fact]
    public async Task Policy_Throws_Denies()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai), services: s => s.AddSingleton<IPolicyDecisionPoint>(new ThrowingPdp()));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("api/proxy", Proxy(scrub: false));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(openai.Requests);
    }

    [Fact]
    public async Task Policy_AgentNotListedForProvider_Denies_ListedAgentAllowed()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        var settings = ProxySettings.For(openai);
        settings["Warden:Providers:openai:Agents:0"] = "trusted";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using (var other = gw.CreateClient(await gw.CreateAgentKeyAsync("other")))
        {
            using var denied = await other.PostAsync("api/proxy", Proxy(scrub: false));
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            Assert.Contains("default-deny", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var trusted = gw.CreateClient(await gw.CreateAgentKeyAsync("trusted"));
        using var allowed = await trusted.PostAsync("api/proxy", Proxy(scrub: false));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Single(openai.Requests);
    }

    [Fact]
    public async Task AdminKey_CannotCallProviders()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai));
        using var admin = gw.CreateClient(gw.Info.NewAdminKey);
        using var response = await admin.PostAsync("api/proxy", Proxy(scrub: false));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(openai.Requests);
    }

    [Fact]
    public async Task Audit_Throws_FailsClosed_NothingForwarded()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai), services: s => s.AddSingleton<IAuditTrail>(new ThrowingAudit()));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("api/proxy", Proxy(scrub: false));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(openai.Requests);
    }

    [Fact]
    public async Task Audit_RecordsRequestAndResponse_WithoutPromptText()
    {
        var audit = new RecordingAudit();
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai), services: s => s.AddSingleton<IAuditTrail>(audit));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("auditee"));
        using var response = await client.PostAsync("api/proxy", Proxy(scrub: false));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gateway.request", "gateway.response"], audit.Events.Select(e => e.Type));
        var done = audit.Events[1];
        Assert.Equal("openai", done.Provider);
        Assert.Equal(200, done.Status);
        Assert.Equal(11, done.PromptTokens);
        Assert.Equal(7, done.CompletionTokens);
        Assert.DoesNotContain(Name, JsonSerializer.Serialize(audit.Events), StringComparison.Ordinal);
    }
}
