using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Anthropic.Models.Messages;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// Scrubbed Anthropic caller to an Anthropic provider, end to end through Kestrel with the recording fake provider: the
/// Anthropic-only content (documents, cache_control, thinking and redacted_thinking blocks, citations, top_k, server
/// tools) reaches the provider exactly as sent but for the scrubbed strings, and the answer comes back as the provider
/// sent it but for the restored strings (thinking left as the model wrote it, so its signature still verifies).
/// </summary>
public sealed partial class AnthropicNativeScrubTests
{
    private const string Email = "jane.doe@example.com";
    private const string Card = "4111 1111 1111 1111";
    private const string Phone = "+1 (415) 555-0132";
    private const string Signature = "EqQBCkgIARABGAIiQLyqz0T7d1d3q5l9cXzX2mQfJ8VnW0b6rE4oPpZs1uYtKxA9gHcL2iNwMvBjUeRfSa7DkO3Ty8Wh5Iq==";

    private static readonly string[] Canaries = [Email, Card, Phone];

    private static readonly string Pdf = Convert.ToBase64String(Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nBT (Contract signed by " + Email + ", card " + Card + ") Tj ET\n%%EOF"));

    private static readonly string Redacted = Convert.ToBase64String(Encoding.ASCII.GetBytes("opaque encrypted reasoning " + new string('x', 80)));

    /// <summary>A Messages request using every Anthropic-only feature the canonical form used to drop, with PII canaries.</summary>
    internal static string RichBody(bool stream) => $$$$$"""
        {"model":"claude-sonnet-4-5","max_tokens":1024,"top_k":7,"stream":{{{{{(stream ? "true" : "false")}}}}},
         "thinking":{"type":"enabled","budget_tokens":512},
         "system":[{"type":"text","text":"Escalate to {{{{{Email}}}}}.","cache_control":{"type":"ephemeral","ttl":"1h"}}],
         "tools":[{"name":"send_mail","description":"Mails {{{{{Phone}}}}}","input_schema":{"type":"object","properties":{"to":{"type":"string"}}},"cache_control":{"type":"ephemeral"}},
                  {"type":"web_search_20250305","name":"web_search","max_uses":3}],
         "messages":[
          {"role":"user","content":[
            {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"{{{{{Pdf}}}}}"},"title":"Contract","citations":{"enabled":true},"cache_control":{"type":"ephemeral"}},
            {"type":"document","source":{"type":"text","media_type":"text/plain","data":"Signed by {{{{{Email}}}}}, card {{{{{Card}}}}}."},"title":"Note for {{{{{Email}}}}}","context":"from {{{{{Phone}}}}}"},
            {"type":"text","text":"Summarise both.","cache_control":{"type":"ephemeral"}}]},
          {"role":"assistant","content":[
            {"type":"thinking","thinking":"The user wants <EMAIL_ADDRESS_1> mailed.","signature":"{{{{{Signature}}}}}"},
            {"type":"redacted_thinking","data":"{{{{{Redacted}}}}}"},
            {"type":"text","text":"Done.","citations":[{"type":"char_location","cited_text":"Signed by {{{{{Email}}}}}","document_index":1,"document_title":"Note","start_char_index":0,"end_char_index":29}]},
            {"type":"tool_use","id":"toolu_1","name":"send_mail","input":{"to":"{{{{{Email}}}}}"}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sent to {{{{{Email}}}}}","cache_control":{"type":"ephemeral"}}]}]}
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequireScrub_AnthropicOnlyContent_ReachesProviderScrubbedAndOtherwiseUnchanged(bool stream)
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await StartAsync(anthropic);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = RichBody(stream);

        using var response = await client.PostAsync("v1/messages", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var sent = anthropic.Requests.Single();
        foreach (var canary in Canaries)
        {
            Assert.DoesNotContain(canary, sent.Body, StringComparison.Ordinal);
        }

        // Same members in the same order, same numbers and booleans; strings equal unless they held a canary.
        var changed = new List<string>();
        AssertSameButScrubbed(JsonNode.Parse(body), JsonNode.Parse(sent.Body), "$", changed);
        Assert.Equal(
        [
            "$.system[0].text", "$.tools[0].description", "$.messages[0].content[1].source.data", "$.messages[0].content[1].title",
            "$.messages[0].content[1].context", "$.messages[1].content[2].citations[0].cited_text", "$.messages[1].content[3].input.to",
            "$.messages[2].content[0].content",
        ], changed);

        var json = sent.Json;
        Assert.Equal(7, (int?)json["top_k"]);
        Assert.Equal(Pdf, (string?)json["messages"]![0]!["content"]![0]!["source"]!["data"]);
        Assert.Equal(Redacted, (string?)json["messages"]![1]!["content"]![1]!["data"]);
        Assert.Equal(Signature, (string?)json["messages"]![1]!["content"]![0]!["signature"]);
        Assert.Equal("The user wants <EMAIL_ADDRESS_1> mailed.", (string?)json["messages"]![1]!["content"]![0]!["thinking"]);
        Assert.Equal("""{"type":"ephemeral","ttl":"1h"}""", json["system"]![0]!["cache_control"]!.ToJsonString());
        Assert.Equal("Escalate to <EMAIL_ADDRESS_1>.", (string?)json["system"]![0]!["text"]); // the thinking's surrogate is this email's
    }

    [Fact]
    public async Task RequireScrub_ThinkingBlockHoldingPii_IsScrubbedNeverForwarded()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await StartAsync(anthropic);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = RichBody(false).Replace("The user wants <EMAIL_ADDRESS_1> mailed.", "The user wants " + Email + " mailed.", StringComparison.Ordinal);

        using var response = await client.PostAsync("v1/messages", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = anthropic.Requests.Single().Json;
        Assert.Equal("The user wants <EMAIL_ADDRESS_1> mailed.", (string?)json["messages"]![1]!["content"]![0]!["thinking"]);
        Assert.Equal(Signature, (string?)json["messages"]![1]!["content"]![0]!["signature"]);
    }

    [Fact]
    public async Task RequireScrub_EscapedModelAndEndUserId_DomFallbackKeepsAnthropicContent_StripsId()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await StartAsync(anthropic);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = RichBody(false).Replace("\"model\":\"claude-sonnet-4-5\"", "\"model\":\"claude\\u002Dsonnet-4-5\",\"metadata\":{\"user_id\":\"" + Email + "\"}", StringComparison.Ordinal);
        Assert.Contains("\\u002D", body, StringComparison.Ordinal);

        using var response = await client.PostAsync("v1/messages", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = anthropic.Requests.Single();
        Assert.DoesNotContain(Email, sent.Body, StringComparison.Ordinal);
        var json = sent.Json;
        Assert.Equal("claude-sonnet-4-5", (string?)json["model"]);
        Assert.Empty(json["metadata"]!.AsObject()); // EndUserId strip (the default)
        Assert.Equal(Pdf, (string?)json["messages"]![0]!["content"]![0]!["source"]!["data"]);
        Assert.Equal(Signature, (string?)json["messages"]![1]!["content"]![0]!["signature"]);
        Assert.Equal("""{"type":"ephemeral","ttl":"1h"}""", json["system"]![0]!["cache_control"]!.ToJsonString());
        Assert.Equal(7, (int?)json["top_k"]);
    }

    [Fact]
    public async Task RequireScrub_NonStreamedAnswer_ByteIdenticalButRestored_ThinkingLeftAsWritten()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        string? surrogate = null;
        const string Template = """
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
              "content":[{"type":"thinking","thinking":"Mail {T} now \u2014 ok.","signature":"c2lnbmF0dXJl"},
                {"type":"text","text":"Sent to {S}, café.","citations":[{"type":"char_location","cited_text":"Signed by {S}","document_index":1,"document_title":"Note for {S}","start_char_index":0,"end_char_index":27}]},
                {"type":"tool_use","id":"toolu_2","name":"send_mail","input":{"to":"{S}","cc":["{S}"],"n":1.50}}],
              "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":10, "output_tokens":20,"cache_read_input_tokens":5}}
            """;
        anthropic.Respond = async (ctx, r) =>
        {
            surrogate = SurrogateOf(r.Json);
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(Template.Replace("{T}", surrogate, StringComparison.Ordinal).Replace("{S}", surrogate, StringComparison.Ordinal));
        };
        await using var gw = await StartAsync(anthropic);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));

        using var response = await client.PostAsync("v1/messages", new StringContent(RichBody(false), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("<EMAIL_ADDRESS_1>", surrogate);
        Assert.Equal(Template.Replace("{T}", surrogate, StringComparison.Ordinal).Replace("{S}", Email, StringComparison.Ordinal), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RequireScrub_AnthropicSdk_NonStreamed_ThinkingCitationsToolUseParsedAndRestored()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        anthropic.Respond = async (ctx, r) =>
        {
            var s = SurrogateOf(r.Json);
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync($$$$$"""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[
                 {"type":"thinking","thinking":"Mail {{{{{s}}}}}.","signature":"c2ln"},
                 {"type":"text","text":"Sent to {{{{{s}}}}}.","citations":[{"type":"char_location","cited_text":"by {{{{{s}}}}}","document_index":1,"document_title":"Note","start_char_index":0,"end_char_index":5}]},
                 {"type":"tool_use","id":"toolu_2","name":"send_mail","input":{"to":"{{{{{s}}}}}"}}],
                 "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":20}}
                """);
        };
        await using var gw = await StartAsync(anthropic);
        var sdk = Sdk.Anthropic(gw, await gw.CreateAgentKeyAsync("a"));

        var message = await sdk.Messages.Create(Params(RichBody(false)));

        Assert.True(message.Content[0].TryPickThinking(out var thinking));
        Assert.Equal("Mail <EMAIL_ADDRESS_1>.", thinking!.Thinking);
        Assert.Equal("c2ln", thinking.Signature);
        Assert.True(message.Content[1].TryPickText(out var text));
        Assert.Equal("Sent to " + Email + ".", text!.Text);
        Assert.True(text.Citations![0].TryPickCitationCharLocation(out var citation));
        Assert.Equal("by " + Email, citation!.CitedText);
        Assert.True(message.Content[2].TryPickToolUse(out var use));
        Assert.Equal(Email, use!.Input["to"].GetString());
        foreach (var canary in Canaries)
        {
            Assert.DoesNotContain(canary, anthropic.Requests.Single().Body, StringComparison.Ordinal);
        }
    }

    /// <summary>The SDK's request built from a raw Messages body (the SDK sends it as given).</summary>
    internal static MessageCreateParams Params(string body)
    {
        var raw = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(body)!;
        raw.Remove("stream");
        return MessageCreateParams.FromRawUnchecked(new Dictionary<string, JsonElement>(), new Dictionary<string, JsonElement>(), raw);
    }

    internal static async Task<GatewayFixture> StartAsync(FakeProvider anthropic, FakeProvider? openai = null)
    {
        var settings = ProxySettings.For(openai, anthropic);
        settings["Warden:Providers:anthropic:RequireScrub"] = "true";
        return await GatewayFixture.StartAsync(settings);
    }

    /// <summary>The surrogate the request's system prompt carries for <see cref="Email"/>.</summary>
    internal static string SurrogateOf(JsonObject request) => Surrogate().Match((string)request["system"]![0]!["text"]!).Value;

    [GeneratedRegex("<[A-Z_]+_[0-9]+>", RegexOptions.NonBacktracking)]
    internal static partial Regex Surrogate();

    private static void AssertSameButScrubbed(JsonNode? expected, JsonNode? actual, string path, List<string> changed)
    {
        switch (expected)
        {
            case JsonObject o:
                var a = Assert.IsType<JsonObject>(actual);
                Assert.Equal(o.Select(p => p.Key), a.Select(p => p.Key));
                foreach (var (name, value) in o)
                {
                    AssertSameButScrubbed(value, a[name], path + "." + name, changed);
                }

                break;
            case JsonArray arr:
                var b = Assert.IsType<JsonArray>(actual);
                Assert.Equal(arr.Count, b.Count);
                for (var i = 0; i < arr.Count; i++)
                {
                    AssertSameButScrubbed(arr[i], b[i], $"{path}[{i}]", changed);
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var sent = (string)v!;
                var got = Assert.IsType<string>((string?)actual);
                if (Canaries.Any(c => sent.Contains(c, StringComparison.Ordinal)))
                {
                    Assert.NotEqual(sent, got);
                    changed.Add(path);
                }
                else
                {
                    Assert.Equal(sent, got);
                }

                break;
            default:
                Assert.Equal(expected?.ToJsonString(), actual?.ToJsonString());
                break;
        }
    }
}
