using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Pseudonymization;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>The proxy's scrubbing with the real pseudonymizer: detection-result reuse and the restore fast path.</summary>
public sealed class ScrubPathTests
{
    private const string Email = "jane.doe@example.com";
    private const string Card = "4111 1111 1111 1111";

    private const string SystemPrompt =
        "You are the shop's support assistant. Escalate to ops-lead@example.org when the customer mentions legal action; " +
        "never read out the card " + Card + " on file.";

    private static Dictionary<string, string?> Settings(FakeProvider openai)
    {
        var settings = ProxySettings.For(openai);
        settings["Warden:Providers:openai:RequireScrub"] = "true";
        return settings;
    }

    private static StringContent Chat(string user, string model = "gpt-4o-mini") => new(
        new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = SystemPrompt },
                new JsonObject { ["role"] = "user", ["content"] = user }),
        }.ToJsonString(), Encoding.UTF8, "application/json");

    [Fact]
    public async Task RequireScrub_SameMessagesTwice_SecondReusesDetection_ProviderNeverSeesValues_CallerGetsOriginals()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(Settings(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var user = $"Hi, please write to {Email} about my refund; I paid with {Card} last week and nothing has arrived yet.";

        for (var round = 0; round < 2; round++)
        {
            using var response = await client.PostAsync("v1/chat/completions", Chat(user));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal($"Hello from the fake provider | {user}", (string?)json["choices"]![0]!["message"]!["content"]);
        }

        var cache = ((Pseudonymizer)gw.App.Services.GetRequiredService<IPseudonymizer>()).DetectionCache!;
        Assert.Equal(2, cache.Hits); // the system prompt and the user message, on the second request
        Assert.Equal(2, openai.Requests.Count);
        foreach (var sent in openai.Requests)
        {
            Assert.DoesNotContain(Email, sent.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(Card, sent.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("ops-lead@example.org", sent.Body, StringComparison.Ordinal);
            Assert.Contains("<CREDIT_CARD_1>", sent.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RequireScrub_OtherAgentSameText_DoesNotReuseDetection()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(Settings(openai));
        using var a = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var b = gw.CreateClient(await gw.CreateAgentKeyAsync("b"));
        (await a.PostAsync("v1/chat/completions", Chat("short"))).Dispose();
        (await b.PostAsync("v1/chat/completions", Chat("short"))).Dispose();
        var cache = ((Pseudonymizer)gw.App.Services.GetRequiredService<IPseudonymizer>()).DetectionCache!;
        Assert.Equal((0L, 2L), (cache.Hits, cache.Misses));
    }

    [Fact]
    public async Task RequireScrub_AnswerWithNothingToRestore_PassesByteForByte()
    {
        const string answer = "{ \"id\": \"chatcmpl-1\", \"object\": \"chat.completion\", \"created\": 1, \"model\": \"gpt-4o-mini\",\n" +
            "  \"choices\": [ { \"index\": 0, \"message\": { \"role\": \"assistant\", \"content\": \"Caf\\u00e9 is open; we will reply soon.\" }, \"finish_reason\": \"stop\" } ],\n" +
            "  \"usage\": { \"prompt_tokens\": 12, \"completion_tokens\": 9, \"total_tokens\": 21 } }";
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = (ctx, _) => Write(ctx, answer);
        await using var gw = await GatewayFixture.StartAsync(Settings(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", Chat($"Mail {Email}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(answer, await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(Email, openai.Requests.Single().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireScrub_AnswerWithJsonEscapedSurrogate_IsRestored()
    {
        // Some servers escape '<' and '>' in JSON strings: the fast path must not skip those answers.
        const string answer = "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\"," +
            "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"I will write to \\u003cEMAIL_ADDRESS_2\\u003E today.\"},\"finish_reason\":\"stop\"}]}";
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = (ctx, _) => Write(ctx, answer);
        await using var gw = await GatewayFixture.StartAsync(Settings(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", Chat($"Mail {Email}"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal($"I will write to {Email} today.", (string?)json["choices"]![0]!["message"]!["content"]);
    }

    [Fact]
    public async Task RequireScrub_OpenAITargetFails_AnthropicFallback_ReceivesSameSurrogatesOnce_CallerGetsOriginals()
    {
        // The one-pass rewrite scrubs for the first (OpenAI-format) target; the fallback re-translates those
        // already-scrubbed bytes to the Anthropic shape. Neither provider may see a value, the fallback must carry
        // the very same surrogates (protected once, not twice), and the answer must come back restored.
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        openai.Respond = async (ctx, _) => { ctx.Response.StatusCode = 503; await ctx.Response.WriteAsync("{}"); };
        var settings = ProxySettings.For(openai, anthropic);
        settings["Warden:Providers:openai:RequireScrub"] = "true";
        settings["Warden:Providers:anthropic:RequireScrub"] = "true";
        settings["Warden:Models:smart:Provider"] = "openai";
        settings["Warden:Models:smart:Model"] = "gpt-4o-mini";
        settings["Warden:Models:smart:Fallbacks:0"] = "anthropic/claude-sonnet-4-5";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var user = $"Hi, please write to {Email} about my refund; I paid with {Card} last week.";
        using var body = Chat(user, "smart");
        using var response = await client.PostAsync("v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"];
        Assert.Contains(user, answer, StringComparison.Ordinal);
        var first = openai.Requests.Single();
        var fallback = anthropic.Requests.Single();
        Assert.Equal("claude-sonnet-4-5", (string?)fallback.Json["model"]);
        foreach (var sent in new[] { first.Body, fallback.Body })
        {
            Assert.DoesNotContain(Email, sent, StringComparison.Ordinal);
            Assert.DoesNotContain(Card, sent, StringComparison.Ordinal);
            Assert.DoesNotContain("ops-lead@example.org", sent, StringComparison.Ordinal);
            Assert.DoesNotContain("<<", sent, StringComparison.Ordinal);
        }

        var firstUser = (string?)first.Json["messages"]![1]!["content"];
        var fallbackUser = fallback.Json["messages"]![0]!["content"] is JsonArray blocks
            ? (string?)blocks[0]!["text"]
            : (string?)fallback.Json["messages"]![0]!["content"];
        Assert.Contains("<CREDIT_CARD_1>", firstUser, StringComparison.Ordinal);
        Assert.Equal(firstUser, fallbackUser);
    }

    [Theory]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"mail jane.doe@example.com")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"messages\":\"jane.doe@example.com\"}")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"messages\":[{\"role\":\"user\",\"content\":\"jane.doe@example.com\"}]}")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"cont\\u0065nt\":\"jane.doe@example.com\"}]}")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"yes\"}")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"jane.doe@example.com \\ud800\"}]}")]
    public async Task RequireScrub_MalformedBody_Returns400InOpenAIShape_NothingForwarded(string body)
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(Settings(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
        Assert.Empty(openai.Requests);
    }

    [Theory]
    [InlineData("[\"mail jane.doe@example.com\"]", false)]
    [InlineData("[\"mail jane.doe@example.com\"]", true)]
    [InlineData("[{\"role\":\"user\",\"content\":{\"text\":\"mail jane.doe@example.com\"}}]", false)]
    [InlineData("[{\"role\":\"user\",\"content\":{\"text\":\"mail jane.doe@example.com\"}}]", true)]
    [InlineData("[{\"role\":\"user\",\"content\":[\"mail jane.doe@example.com\"]}]", false)]
    [InlineData("[{\"role\":\"user\",\"content\":[\"mail jane.doe@example.com\"]}]", true)]
    [InlineData("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":{\"v\":\"mail jane.doe@example.com\"}}]}]", false)]
    [InlineData("[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":\"jane.doe@example.com\"}]", false)]
    [InlineData("[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":{\"to\":\"jane.doe@example.com\"}}}]}]", false)]
    public async Task RequireScrub_FieldInAShapeScrubbingCannotWalk_Returns400_NothingForwarded(string messages, bool anthropicTarget)
    {
        // One-pass rewrite (OpenAI target) and the DOM path (Anthropic target) refuse alike: never forward unscrubbed.
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        var settings = ProxySettings.For(openai, anthropic);
        settings["Warden:Providers:openai:RequireScrub"] = "true";
        settings["Warden:Providers:anthropic:RequireScrub"] = "true";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var model = anthropicTarget ? "claude-sonnet-4-5" : "gpt-4o-mini";
        var body = $"{{\"model\":\"{model}\",\"messages\":{messages}}}";
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(openai.Requests);
        Assert.Empty(anthropic.Requests);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task CompressedRequestBody_Returns415InOpenAIShape_NothingForwarded(string encoding)
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(Settings(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var content = new StringContent("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Encoding.UTF8, "application/json");
        content.Headers.ContentEncoding.Add(encoding);
        using var response = await client.PostAsync("v1/chat/completions", content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
        Assert.Empty(openai.Requests);
    }

    private static async Task Write(HttpContext ctx, string body)
    {
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body);
    }
}
