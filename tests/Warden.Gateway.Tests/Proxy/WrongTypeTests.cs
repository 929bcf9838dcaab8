using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// Valid JSON whose fields have the wrong type, from the caller (refused with 400 before anything leaves) and from
/// the provider (a clean 502): never Warden's own 500. Fields Warden only copies or reads leniently (a content part
/// whose text is an object, an answer whose content is a number) are not judged here: the provider or the caller's
/// SDK sees them as sent.
/// </summary>
public sealed class WrongTypeTests
{
    private static async Task<FakeProvider> AnsweringAsync(string dialect, string contentType, string answer)
    {
        var provider = await FakeProvider.StartAsync(dialect);
        provider.Respond = async (ctx, _) =>
        {
            ctx.Response.ContentType = contentType;
            await ctx.Response.WriteAsync(answer);
        };
        return provider;
    }

    private static Dictionary<string, string?> SettingsFor(string dialect, FakeProvider provider) =>
        dialect == "openai" ? ProxySettings.For(openai: provider) : ProxySettings.For(anthropic: provider);

    private static string ModelOf(string dialect) => dialect == "openai" ? "gpt-4o-mini" : "claude-sonnet-4-5";

    public static TheoryData<string, string> WrongTypedRequests => new()
    {
        // Anthropic-shaped caller, translated for an OpenAI provider.
        { "v1/messages", """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":5}]}""" },
        { "v1/messages", """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":[{"type":"text","text":5}]}]}""" },
        { "v1/messages", """{"model":"gpt-4o-mini","max_tokens":10,"system":7,"messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/messages", """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":5,"content":"hi"}]}""" },
        { "v1/messages", """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":9}]}]}""" },
        { "v1/messages", """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"tools":[{"name":5,"input_schema":{}}]}""" },
        // OpenAI-shaped caller, translated for an Anthropic provider.
        { "v1/chat/completions", """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":5}]}""" },
        { "v1/chat/completions", """{"model":"claude-sonnet-4-5","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":5}}]}]}""" },
        { "v1/chat/completions", """{"model":"claude-sonnet-4-5","max_tokens":"ten","messages":[{"role":"user","content":"hi"}]}""" },
        { "v1/chat/completions", """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}],"stop":5}""" },
        { "v1/chat/completions", """{"model":"claude-sonnet-4-5","messages":[null]}""" },
    };

    [Theory]
    [MemberData(nameof(WrongTypedRequests))]
    public async Task TranslatedRequest_FieldOfWrongType_Returns400_AndNothingIsForwarded(string path, string body)
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai, anthropic));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(openai.Requests);
        Assert.Empty(anthropic.Requests);
    }

    [Theory]
    [InlineData("""{"provider":5,"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"provider":{"order":["openai"]},"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""")]
    public async Task UnifiedProxy_ProviderNotAString_Returns400_AndNothingIsForwarded(string body)
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("api/proxy", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'provider' must be a string", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(openai.Requests);
    }

    public static TheoryData<string, string, string> WrongTypedAnswers => new()
    {
        // An OpenAI provider answering OpenAI-shaped JSON with wrong types, judged because the caller speaks Anthropic.
        { "openai", "v1/messages", """{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":"many","completion_tokens":2}}""" },
        { "openai", "api/proxy", """{"id":"x","object":"chat.completion","choices":[5],"usage":{"prompt_tokens":1,"completion_tokens":2}}""" },
        { "openai", "v1/messages", """{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":7}}]},"finish_reason":"tool_calls"}]}""" },
        // An Anthropic provider answering with wrong types, translated for an OpenAI-shaped caller.
        { "anthropic", "v1/chat/completions", """{"id":"m","type":"message","role":"assistant","content":[{"type":"text","text":5}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}""" },
        { "anthropic", "v1/chat/completions", """{"id":"m","type":"message","role":"assistant","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":"x","output_tokens":1}}""" },
        { "anthropic", "v1/chat/completions", """{"id":"m","type":"message","role":"assistant","content":[7],"stop_reason":"end_turn"}""" },
        { "anthropic", "v1/chat/completions", """{"id":"m","type":"message","role":"assistant","content":[{"type":"tool_use","id":"t","name":5,"input":{}}],"stop_reason":"tool_use"}""" },
    };

    [Theory]
    [MemberData(nameof(WrongTypedAnswers))]
    public async Task ProviderAnswer_FieldOfWrongType_Returns502(string dialect, string path, string answer)
    {
        await using var provider = await AnsweringAsync(dialect, "application/json", answer);
        await using var gw = await GatewayFixture.StartAsync(SettingsFor(dialect, provider));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = new JsonObject
        {
            ["model"] = ModelOf(dialect),
            ["max_tokens"] = 10,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello" }),
        };
        using var response = await client.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Single(provider.Requests);
    }

    [Theory]
    [InlineData("openai", "v1/messages", "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":5}}]}\n\n")]
    [InlineData("openai", "v1/messages", "data: {\"id\":\"x\",\"choices\":[5]}\n\n")]
    [InlineData("anthropic", "v1/chat/completions", "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":5}}\n\n")]
    [InlineData("anthropic", "v1/chat/completions", "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":\"x\"}}\n\n")]
    public async Task StreamedAnswer_FieldOfWrongType_EndsCleanly_AndTheGatewayKeepsServing(string dialect, string path, string events)
    {
        await using var provider = await AnsweringAsync(dialect, "text/event-stream", events);
        await using var gw = await GatewayFixture.StartAsync(SettingsFor(dialect, provider));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = $$"""{"model":"{{ModelOf(dialect)}}","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"hello"}]}""";
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        // Either refused before the first byte (502) or a stream that ends cleanly: an error event, or the event the
        // caller's dialect ends with (a value read leniently); never Warden's 500 or a cut connection.
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Assert.True(text.Contains("error", StringComparison.Ordinal) || text.Contains(path == "v1/messages" ? "message_stop" : "[DONE]", StringComparison.Ordinal), text);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }

        provider.Respond = null;
        using var healthy = await client.PostAsync(path, new StringContent(body.Replace("\"stream\":true", "\"stream\":false", StringComparison.Ordinal), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }
}
