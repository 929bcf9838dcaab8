using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>Dead, slow and garbage upstreams, upstream errors, fallback order and the retry budget.</summary>
public sealed class UpstreamFailureTests
{
    private static StringContent Chat(string model, bool stream = false) => new(
        JsonSerializer.Serialize(new { model, stream, messages = new[] { new { role = "user", content = "hello" } } }), Encoding.UTF8, "application/json");

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static Dictionary<string, string?> OpenAICompatible(string name, string baseUrl, Dictionary<string, string?>? into = null)
    {
        var s = into ?? new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Warden:EgressAllowlist:0"] = "127.0.0.1" };
        s[$"Warden:Providers:{name}:Type"] = "openai-compatible";
        s[$"Warden:Providers:{name}:BaseUrl"] = baseUrl;
        s[$"Warden:Providers:{name}:Models:0"] = name + "-model";
        return s;
    }

    [Fact]
    public async Task UnknownModel_Returns404InOpenAIShape()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", Chat("no-such-model"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("warden_model_not_found", (string?)error["code"]);
        Assert.Equal("warden", response.Headers.GetValues("warden-error-source").Single());
        Assert.Empty(openai.Requests);
    }

    [Fact]
    public async Task MalformedJson_OnChat_Returns400_AndNothingIsForwarded()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        foreach (var body in new[] { "{\"model\":\"gpt-4o-mini\",", "[1,2]", "{\"model\":\"gpt-4o-mini\"} trailing", "" })
        {
            using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using var anthropicShape = await client.PostAsync("v1/messages", new StringContent("{oops", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, anthropicShape.StatusCode);
        Assert.Equal("invalid_request_error", (string?)JsonNode.Parse(await anthropicShape.Content.ReadAsStringAsync())!["error"]!["type"]);
        Assert.Empty(openai.Requests);
    }

    [Fact]
    public async Task OversizedChatBody_Returns413()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        var settings = ProxySettings.For(openai);
        settings["Warden:MaxRequestBodyBytes"] = "4096";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var big = JsonSerializer.Serialize(new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = new string('x', 10_000) } } });
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(big, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(openai.Requests);
    }

    [Fact]
    public async Task DeadUpstream_Returns502()
    {
        await using var gw = await GatewayFixture.StartAsync(OpenAICompatible("dead", $"http://127.0.0.1:{FreePort()}/v1"));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", Chat("dead-model"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("warden_upstream_unreachable", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]);
    }

    [Fact]
    public async Task SlowUpstream_Returns504()
    {
        await using var slow = await FakeProvider.StartAsync("openai");
        slow.Respond = async (ctx, _) => await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted);
        var settings = OpenAICompatible("slow", slow.BaseUrl + "/v1");
        settings["Warden:Providers:slow:FirstByteTimeoutSeconds"] = "0.5";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", Chat("slow-model"));
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    [Theory]
    [InlineData(false, "application/json", "this is not json")]
    [InlineData(false, "application/json", "{\"unexpected\":true}")]
    [InlineData(true, "text/html", "<html>oops</html>")]
    public async Task GarbageUpstream_Returns502(bool stream, string contentType, string body)
    {
        await using var bad = await FakeProvider.StartAsync("openai");
        bad.Respond = async (ctx, _) =>
        {
            ctx.Response.ContentType = contentType;
            await ctx.Response.WriteAsync(body);
        };
        await using var gw = await GatewayFixture.StartAsync(OpenAICompatible("bad", bad.BaseUrl + "/v1"));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));

        // "{\"unexpected\":true}" is valid JSON: in pass-through it is relayed as is; through /api/proxy it must be judged.
        var path = body.StartsWith('{') ? "api/proxy" : "v1/chat/completions";
        using var response = await client.PostAsync(path, Chat("bad-model", stream));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task UpstreamClientError_IsRelayedInCallersShape()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = async (ctx, _) =>
        {
            ctx.Response.StatusCode = 400;
            await ctx.Response.WriteAsJsonAsync(new { error = new { message = "context length exceeded", type = "invalid_request_error" } });
        };
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai, anthropic));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/messages", new StringContent(
            """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("error", (string?)json["type"]);
        Assert.Equal("context length exceeded", (string?)json["error"]!["message"]);
        Assert.Equal("upstream", response.Headers.GetValues("warden-error-source").Single());
    }

    [Fact]
    public async Task Fallback_TriesProvidersInOrder_WithinRetryBudget()
    {
        await using var first = await FakeProvider.StartAsync("openai");
        await using var second = await FakeProvider.StartAsync("openai");
        await using var third = await FakeProvider.StartAsync("openai");
        var calls = new List<string>();
        first.Respond = async (ctx, _) => { lock (calls) { calls.Add("first"); } ctx.Response.StatusCode = 503; await ctx.Response.WriteAsync("{}"); };
        second.Respond = async (ctx, _) => { lock (calls) { calls.Add("second"); } ctx.Response.StatusCode = 429; await ctx.Response.WriteAsync("{}"); };
        third.Respond = async (ctx, r) => { lock (calls) { calls.Add("third"); } await FakeProvider.OpenAIAnswer(ctx, r, "third answers"); };

        var s = OpenAICompatible("p1", first.BaseUrl + "/v1");
        OpenAICompatible("p2", second.BaseUrl + "/v1", s);
        OpenAICompatible("p3", third.BaseUrl + "/v1", s);
        s["Warden:Models:smart:Provider"] = "p1";
        s["Warden:Models:smart:Model"] = "m1";
        s["Warden:Models:smart:Fallbacks:0"] = "p2/m2";
        s["Warden:Models:smart:Fallbacks:1"] = "p3/m3";
        await using var gw = await GatewayFixture.StartAsync(s);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", Chat("smart"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("third answers", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]);
        Assert.Equal(["first", "second", "third"], calls);
        Assert.Equal("m1", (string?)first.Requests.Single().Json["model"]);
        Assert.Equal("m2", (string?)second.Requests.Single().Json["model"]);
        Assert.Equal("m3", (string?)third.Requests.Single().Json["model"]);
    }

    [Fact]
    public async Task Fallback_RetryBudgetExhausted_RelaysLastUpstreamError()
    {
        await using var first = await FakeProvider.StartAsync("openai");
        await using var second = await FakeProvider.StartAsync("openai");
        await using var third = await FakeProvider.StartAsync("openai");
        first.Respond = async (ctx, _) => { ctx.Response.StatusCode = 500; await ctx.Response.WriteAsync("{\"error\":{\"message\":\"boom one\"}}"); };
        second.Respond = async (ctx, _) => { ctx.Response.StatusCode = 503; await ctx.Response.WriteAsync("{\"error\":{\"message\":\"boom two\"}}"); };
        var s = OpenAICompatible("p1", first.BaseUrl + "/v1");
        OpenAICompatible("p2", second.BaseUrl + "/v1", s);
        OpenAICompatible("p3", third.BaseUrl + "/v1", s);
        s["Warden:MaxAttempts"] = "2";
        s["Warden:Models:smart:Provider"] = "p1";
        s["Warden:Models:smart:Fallbacks:0"] = "p2/m2";
        s["Warden:Models:smart:Fallbacks:1"] = "p3/m3";
        await using var gw = await GatewayFixture.StartAsync(s);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", Chat("smart"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("boom two", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]);
        Assert.Empty(third.Requests);
    }

    [Fact]
    public async Task Fallback_DeadPrimary_FallsBackToSecondary()
    {
        await using var second = await FakeProvider.StartAsync("openai");
        var s = OpenAICompatible("p1", $"http://127.0.0.1:{FreePort()}/v1");
        OpenAICompatible("p2", second.BaseUrl + "/v1", s);
        s["Warden:Models:smart:Provider"] = "p1";
        s["Warden:Models:smart:Fallbacks:0"] = "p2/m2";
        await using var gw = await GatewayFixture.StartAsync(s);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", Chat("smart"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(second.Requests);
    }

    [Fact]
    public async Task Stream_FailsAfterFirstByte_IsNotRetried_AndEndsWithErrorEvent()
    {
        await using var first = await FakeProvider.StartAsync("openai");
        await using var second = await FakeProvider.StartAsync("openai");
        first.Respond = async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"partial\"},\"finish_reason\":null}]}\n\n");
            await ctx.Response.Body.FlushAsync();
            await Task.Delay(200);
            ctx.Abort();
        };
        var s = OpenAICompatible("p1", first.BaseUrl + "/v1");
        OpenAICompatible("p2", second.BaseUrl + "/v1", s);
        s["Warden:Models:smart:Provider"] = "p1";
        s["Warden:Models:smart:Fallbacks:0"] = "p2/m2";
        await using var gw = await GatewayFixture.StartAsync(s);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", Chat("smart", stream: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("partial", text, StringComparison.Ordinal);
        Assert.Contains("warden_upstream_stream_failed", text, StringComparison.Ordinal);
        Assert.Empty(second.Requests);
    }

    [Fact]
    public async Task Stream_ClientDisconnects_CancelsUpstream()
    {
        await using var endless = await FakeProvider.StartAsync("openai");
        endless.Respond = async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/event-stream";
            for (var i = 0; !ctx.RequestAborted.IsCancellationRequested; i++)
            {
                await ctx.Response.WriteAsync($"data: {{\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{i} \"}},\"finish_reason\":null}}]}}\n\n", ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await Task.Delay(20, ctx.RequestAborted);
            }
        };
        await using var gw = await GatewayFixture.StartAsync(OpenAICompatible("endless", endless.BaseUrl + "/v1"));
        using (var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a")))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Chat("endless-model", stream: true) };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[256];
            Assert.True(await stream.ReadAsync(buffer) > 0);
        }

        var done = await Task.WhenAny(endless.ClientAborted.Task, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(endless.ClientAborted.Task, done);
    }
}
