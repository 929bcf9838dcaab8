using System.Net;
using System.Text;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>Provider-specific wire details: Azure OpenAI, groq-style OpenAI, org headers, forward proxy.</summary>
public sealed class ProviderAdapterTests
{
    private static StringContent Chat(string model) => new(
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task AzureOpenAI_UsesDeploymentUrl_ApiVersion_AndApiKeyHeader()
    {
        await using var azure = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Warden:EgressAllowlist:0"] = "127.0.0.1",
            ["Warden:Providers:azure:Type"] = "azure-openai",
            ["Warden:Providers:azure:BaseUrl"] = azure.BaseUrl,
            ["Warden:Providers:azure:ApiKey"] = "azure-key-canary",
            ["Warden:Providers:azure:ApiVersion"] = "2024-10-21",
            ["Warden:Providers:azure:Models:0"] = "gpt4o-deployment",
        });
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", Chat("gpt4o-deployment"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var r = azure.Requests.Single();
        Assert.Equal("/openai/deployments/gpt4o-deployment/chat/completions", r.Path);
        Assert.Equal("?api-version=2024-10-21", r.Query);
        Assert.Equal("azure-key-canary", r.Headers["api-key"]);
        Assert.False(r.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task OrganisationHeaders_OnlyWhenProviderConfigSetsThem()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        var settings = ProxySettings.For(openai);
        settings["Warden:Providers:openai:Headers:OpenAI-Organization"] = "org-from-config";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Chat("gpt-4o-mini") };
        request.Headers.Add("OpenAI-Organization", "org-from-client");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("Cookie", "session=abc");
        request.Headers.UserAgent.ParseAdd("client-agent/9.9");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var r = openai.Requests.Single();
        Assert.Equal("org-from-config", r.Headers["OpenAI-Organization"]);
        Assert.False(r.Headers.ContainsKey("X-Forwarded-For"));
        Assert.False(r.Headers.ContainsKey("Cookie"));
        Assert.DoesNotContain("client-agent", r.Headers["User-Agent"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerTraceContext_NeverReachesProvider()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Chat("gpt-4o-mini") };
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        request.Headers.TryAddWithoutValidation("tracestate", "org=tracestate-marker");
        request.Headers.TryAddWithoutValidation("baggage", "user=baggage-marker");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var r = openai.Requests.Single();
        foreach (var name in new[] { "traceparent", "tracestate", "baggage", "Request-Id", "Correlation-Context" })
        {
            Assert.False(r.Headers.ContainsKey(name), name);
        }

        foreach (var (name, value) in r.Headers)
        {
            Assert.DoesNotContain(traceId, value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("-marker", value, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task ForwardProxy_EgressGoesThroughConfiguredProxy()
    {
        await using var proxy = await FakeProvider.StartAsync("openai");
        var upstreamPort = new Uri(proxy.BaseUrl).Port + 1;
        await using var gw = await GatewayFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Warden:EgressAllowlist:0"] = "localhost",
            ["Warden:Providers:far:Type"] = "openai-compatible",
            ["Warden:Providers:far:BaseUrl"] = $"http://localhost:{upstreamPort}/v1",
            ["Warden:Providers:far:ForwardProxy"] = proxy.BaseUrl,
            ["Warden:Providers:far:Models:0"] = "far-model",
        });
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", Chat("far-model"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var r = proxy.Requests.Single();
        Assert.Equal("/v1/chat/completions", r.Path);
        Assert.Equal($"localhost:{upstreamPort}", r.Headers["Host"]);
    }
}
