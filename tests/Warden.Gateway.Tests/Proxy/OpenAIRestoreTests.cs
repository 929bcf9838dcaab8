using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OpenAI.Chat;
using Warden.Gateway.Proxy;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// The one-pass restore of a scrubbed OpenAI chat.completion: only <c>message.content</c> and tool-call
/// <c>arguments</c> of each choice are restored (arguments JSON-escaped), every other byte is the provider's; a shape
/// that is not a chat completion is refused. End to end, an OpenAI caller gets the provider's bytes but for the restored
/// strings.
/// </summary>
public sealed class OpenAIRestoreTests
{
    private const string Name = "O\"Hara \\ Jane";

    private static readonly Core.Pseudonymization.IPseudonymizationSession Session = NewSession();

    private static Core.Pseudonymization.IPseudonymizationSession NewSession()
    {
        var session = new TestPseudonymizer(Name).OpenSession();
        Assert.Equal("<PERSON_1>", session.Protect(Name));
        return session;
    }

    private static string? Restore(string json) =>
        OpenAIRestore.Restore(Encoding.UTF8.GetBytes(json), Session) is { } r ? Encoding.UTF8.GetString(r.Span) : null;

    [Theory]
    [InlineData("""{"choices":[{"index":0,"message":{"role":"assistant","content":"nothing here, a < b"}}]}""")]
    [InlineData("""{ "choices" : [ ] , "other" : { "message" : { "content" : "<PERSON_1>" } } }""")]
    [InlineData("""{"choices":[{"message":{"role":"<PERSON_1>","content":null,"tool_calls":[{"id":"<PERSON_1>","function":{"name":"<PERSON_1>","arguments":null}}]}}]}""")]
    [InlineData("""{"choices":[{"delta":{"content":"<PERSON_1>"},"message":{"content":["<PERSON_1>"]}}]}""")]
    public void Restore_NothingToRestoreWhereRestored_Null(string json) => Assert.Null(Restore(json));

    [Fact]
    public void Restore_Content_OnlyThatTokenRewritten_OtherBytesKept()
    {
        const string json = "{ \"id\" : \"x\\u00e9\",\n \"choices\" : [ {\"index\":0, \"message\" : {\"role\":\"assistant\",\"content\" : \"hi <PERSON_1>, caf\\u00e9\"}, \"finish_reason\":\"stop\"} ],\"usage\":{\"prompt_tokens\":1} }";
        var expected = json.Replace("\"hi <PERSON_1>, caf\\u00e9\"", "\"hi O\\\"Hara \\\\ Jane, café\"", StringComparison.Ordinal);
        Assert.Equal(expected, Restore(json));
    }

    [Fact]
    public void Restore_ToolArguments_OriginalJsonEscaped_ArgumentsStayValidJson()
    {
        var arguments = JsonSerializer.Serialize("{\"to\":\"\\u003CPERSON_1\\u003E\",\"n\":1}");
        var json = "{\"choices\":[{\"message\":{\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":" + arguments + "}}]}}]}";
        var restored = JsonNode.Parse(Restore(json)!)!;
        var args = (string)restored["choices"]![0]!["message"]!["tool_calls"]![0]!["function"]!["arguments"]!;
        Assert.Equal(Name, (string?)JsonNode.Parse(args)!["to"]);
    }

    [Theory]
    [InlineData("""{"choices":5}""")]
    [InlineData("""{"choices":[5]}""")]
    [InlineData("""{"choices":[null]}""")]
    [InlineData("""{"id":"no choices"}""")]
    [InlineData("""[{"choices":[]}]""")]
    [InlineData("""{"choices":[{"message":{"content":"<PERSON_1>"}}]""")]
    [InlineData("""{"choices":[]} {}""")]
    public void Restore_NotAChatCompletion_Throws(string json) => Assert.ThrowsAny<JsonException>(() => Restore(json));

    [Fact]
    public void Restore_ContentWithUnpairedSurrogate_Throws() =>
        Assert.Throws<InvalidOperationException>(() => Restore("""{"choices":[{"message":{"content":"\ud800"}}]}"""));

    [Fact]
    public void TestPseudonymizer_RestoreInJson_EscapesOriginals_AsTheRealSession()
    {
        const string arguments = "{\"to\":\"<PERSON_1>\"}";
        Assert.Equal(Name, (string?)JsonNode.Parse(Session.RestoreInJson(arguments))!["to"]);
        Assert.Equal("{\"to\":\"" + Name + "\"}", Session.Restore(arguments)); // plain text: not escaped

        var restorer = Session.CreateJsonStreamingRestorer();
        var streamed = restorer.Push("{\"to\":\"<PER") + restorer.Push("SON_1>\"}") + restorer.Flush();
        Assert.Equal(Name, (string?)JsonNode.Parse(streamed)!["to"]);
    }

    private const string Email = "jane.doe@example.com";

    [Fact]
    public async Task RequireScrub_NonStreamedAnswer_CallerGetsProviderBytesButTheRestoredContent_ViaSdk()
    {
        string? upstream = null;
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = async (ctx, r) =>
        {
            var s = AnthropicNativeScrubTests.Surrogate().Match(r.Body).Value;
            upstream = "{\n  \"id\": \"chatcmpl-1\",\n  \"object\": \"chat.completion\",\n  \"created\": 1700000000,\n  \"model\": \"gpt-4o-mini\",\n" +
                "  \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"content\": \"Mailed " + s + ", caf\\u00e9 \\u003cb\\u003e\", \"refusal\": null},\n" +
                "   \"logprobs\": null, \"finish_reason\": \"stop\"}],\n  \"usage\": {\"prompt_tokens\": 9, \"completion_tokens\": 4, \"total_tokens\": 13},\n  \"system_fingerprint\": \"fp_\\u0031\"\n}";
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(upstream);
        };
        var settings = ProxySettings.For(openai);
        settings["Warden:Providers:openai:RequireScrub"] = "true";
        await using var gw = await GatewayFixture.StartAsync(settings);
        var key = await gw.CreateAgentKeyAsync("a");

        using var client = gw.CreateClient(key);
        var body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Mail jane.doe@example.com"}]}""";
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var surrogate = AnthropicNativeScrubTests.Surrogate().Match(upstream!).Value;
        var expected = upstream!.Replace("\"Mailed " + surrogate + ", caf\\u00e9 \\u003cb\\u003e\"", "\"Mailed " + Email + ", café <b>\"", StringComparison.Ordinal);
        Assert.NotEqual(upstream, expected);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());

        ChatCompletion completion = await Sdk.OpenAIChat(gw, key, "gpt-4o-mini").CompleteChatAsync([new UserChatMessage("Mail " + Email)]);
        Assert.Equal("Mailed " + Email + ", café <b>", completion.Content[0].Text);
        Assert.Equal(13, completion.Usage.TotalTokenCount);
        Assert.All(openai.Requests, r => Assert.DoesNotContain(Email, r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequireScrub_NonStreamedAnswerWithNothingToRestore_ProviderBytesExactly()
    {
        const string upstream = "{ \"id\":\"c\", \"object\":\"chat.completion\", \"choices\":[ {\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"a \\u003c b, caf\\u00e9\"},\"finish_reason\":\"stop\"} ] }";
        var (status, answer) = await ScrubbedCallAsync(upstream);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(upstream, answer);
    }

    [Fact]
    public async Task RequireScrub_NonStreamedAnswerNotAChatCompletion_502()
    {
        var (status, answer) = await ScrubbedCallAsync("""{"id":"c","choices":"<EMAIL_ADDRESS_1>"}""");
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.DoesNotContain(Email, answer, StringComparison.Ordinal);
    }

    /// <summary>A scrubbed chat completion (an e-mail in the prompt) through the gateway, the provider answering <paramref name="upstream"/>.</summary>
    private static async Task<(HttpStatusCode Status, string Answer)> ScrubbedCallAsync(string upstream)
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = async (ctx, _) =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(upstream);
        };
        var settings = ProxySettings.For(openai);
        settings["Warden:Providers:openai:RequireScrub"] = "true";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Mail jane.doe@example.com"}]}""";
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
