using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// End to end through Kestrel with the recording fake providers: canary values in the places scrubbing reaches since it
/// covers every string (tool and schema descriptions, metadata, stop, Anthropic system blocks, tool_result in both shapes,
/// tool_use input, unknown fields) never reach the provider, on every path (one-pass OpenAI, translation to and from
/// Anthropic, Anthropic to Anthropic, /api/proxy), streamed and not; the provider echoes the surrogates it saw in its text
/// and tool-call arguments and the caller gets the originals back.
/// </summary>
public sealed partial class ScrubEgressTests
{
    private const string Email = "jane.doe@example.com";
    private const string Card = "4111 1111 1111 1111";
    private const string Phone = "+1 (415) 555-0132";
    private const string UserId = "customer-jane.doe@example.com";

    private static string OpenAIBody(string model, bool stream, bool proxy = false) => new JsonObject
    {
        ["model"] = model,
        ["stream"] = stream,
        ["user"] = UserId,
        ["messages"] = new JsonArray(
            new JsonObject { ["role"] = "system", ["content"] = "You help customers." },
            new JsonObject { ["role"] = "user", ["content"] = "Please send the summary." }),
        ["tools"] = JsonNode.Parse($$$$$$"""[{"type":"function","function":{"name":"send_mail","description":"Mails the summary to {{{{{{Email}}}}}}","parameters":{"type":"object","properties":{"to":{"type":"string","description":"or call {{{{{{Phone}}}}}}"}}}}}]"""),
        ["metadata"] = new JsonObject { ["card"] = Card },
        ["stop"] = new JsonArray(Email),
        ["x_future"] = new JsonObject { ["note"] = Card },
    }.ToJsonString().Replace("{\"model\"", proxy ? "{\"provider\":\"openai\",\"scrub\":true,\"model\"" : "{\"model\"", StringComparison.Ordinal);

    private static string AnthropicBody(bool stream) => new JsonObject
    {
        ["model"] = "claude-sonnet-4-5",
        ["max_tokens"] = 64,
        ["stream"] = stream,
        ["system"] = JsonNode.Parse($$$$$$"""[{"type":"text","text":"Escalate to {{{{{{Email}}}}}}."}]"""),
        ["metadata"] = new JsonObject { ["user_id"] = UserId },
        ["tools"] = JsonNode.Parse($$$$$$"""[{"name":"send_mail","description":"Mails {{{{{{Phone}}}}}}","input_schema":{"type":"object","properties":{"to":{"type":"string","description":"{{{{{{Card}}}}}}"}}}}]"""),
        ["messages"] = JsonNode.Parse($$$$$$"""
            [{"role":"user","content":"Send it."},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"send_mail","input":{"to":"{{{{{{Email}}}}}}"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"bounced for {{{{{{Phone}}}}}}"},
                                       {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"card {{{{{{Card}}}}}} declined"}]}]}]
            """),
    }.ToJsonString();

    [Theory]
    [InlineData("v1/chat/completions", "gpt-4o-mini", false)]
    [InlineData("v1/chat/completions", "gpt-4o-mini", true)]
    [InlineData("v1/chat/completions", "claude-sonnet-4-5", false)]
    [InlineData("v1/chat/completions", "claude-sonnet-4-5", true)]
    [InlineData("api/proxy", "gpt-4o-mini", false)]
    [InlineData("v1/messages", "claude-sonnet-4-5", false)]
    [InlineData("v1/messages", "claude-sonnet-4-5", true)]
    [InlineData("v1/messages", "gpt-4o-mini", false)]
    public async Task Scrub_CanariesInEveryNewPlace_ProviderGetsNone_CallerGetsOriginalsBack(string path, string model, bool stream)
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        openai.Respond = (ctx, r) => EchoSurrogates(ctx, r, anthropicDialect: false);
        anthropic.Respond = (ctx, r) => EchoSurrogates(ctx, r, anthropicDialect: true);
        var settings = ProxySettings.For(openai, anthropic);
        settings["Warden:Providers:openai:RequireScrub"] = "true";
        settings["Warden:Providers:anthropic:RequireScrub"] = "true";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = path == "v1/messages" ? AnthropicBody(stream).Replace("claude-sonnet-4-5", model, StringComparison.Ordinal) : OpenAIBody(model, stream, proxy: path == "api/proxy");

        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var answer = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var sent = (openai.Requests.Count > 0 ? openai : anthropic).Requests.Single().Body;
        foreach (var secret in new[] { Email, Card, Phone, UserId, "customer-" })
        {
            Assert.DoesNotContain(secret, sent, StringComparison.Ordinal);
        }

        var seen = Surrogate().Matches(sent).Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(seen);
        Assert.DoesNotContain("<", Surrogate().Replace(Unescape(answer), ""), StringComparison.Ordinal); // every surrogate restored
        Assert.Contains(Email.Replace("@", "", StringComparison.Ordinal), Unescape(answer).Replace("@", "", StringComparison.Ordinal), StringComparison.Ordinal);
        if (!stream)
        {
            // The tool-call arguments (OpenAI) or tool_use input (Anthropic) carried the surrogates too: restored.
            var json = JsonNode.Parse(answer)!;
            var args = path == "v1/messages"
                ? json["content"]!.AsArray().Single(b => (string?)b!["type"] == "tool_use")!["input"]!.ToJsonString()
                : (string?)json["choices"]![0]!["message"]!["tool_calls"]![0]!["function"]!["arguments"];
            Assert.Contains(Email, Unescape(args!), StringComparison.Ordinal);
            Assert.DoesNotMatch(Surrogate(), args!);
        }
    }

    private static string Unescape(string json) => Regex.Unescape(json);

    [GeneratedRegex("<[A-Z_]+_[0-9]+>", RegexOptions.NonBacktracking)]
    private static partial Regex Surrogate();

    /// <summary>Answers with every surrogate of the request in its text and in a tool call's arguments.</summary>
    private static async Task EchoSurrogates(HttpContext ctx, RecordedRequest r, bool anthropicDialect)
    {
        var seen = string.Join(" ", Surrogate().Matches(r.Body).Select(m => m.Value).Distinct());
        var stream = (bool?)r.Json["stream"] == true;
        var text = "seen: " + seen;
        var input = new JsonObject { ["seen"] = seen };
        if (!stream)
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(anthropicDialect
                ? new JsonObject
                {
                    ["id"] = "msg_1", ["type"] = "message", ["role"] = "assistant", ["model"] = (string?)r.Json["model"],
                    ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text },
                        new JsonObject { ["type"] = "tool_use", ["id"] = "toolu_9", ["name"] = "send_mail", ["input"] = input }),
                    ["stop_reason"] = "tool_use", ["stop_sequence"] = null,
                    ["usage"] = new JsonObject { ["input_tokens"] = 3, ["output_tokens"] = 4 },
                }.ToJsonString()
                : new JsonObject
                {
                    ["id"] = "chatcmpl-1", ["object"] = "chat.completion", ["created"] = 1, ["model"] = (string?)r.Json["model"],
                    ["choices"] = new JsonArray(new JsonObject
                    {
                        ["index"] = 0, ["finish_reason"] = "tool_calls",
                        ["message"] = new JsonObject
                        {
                            ["role"] = "assistant", ["content"] = text,
                            ["tool_calls"] = new JsonArray(new JsonObject
                            {
                                ["id"] = "call_9", ["type"] = "function",
                                ["function"] = new JsonObject { ["name"] = "send_mail", ["arguments"] = input.ToJsonString() },
                            }),
                        },
                    }),
                    ["usage"] = new JsonObject { ["prompt_tokens"] = 3, ["completion_tokens"] = 4, ["total_tokens"] = 7 },
                }.ToJsonString());
            return;
        }

        ctx.Response.ContentType = "text/event-stream";
        var events = anthropicDialect
            ? new[]
            {
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"c\",\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":0}}}\n\n",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                "event: content_block_delta\ndata: " + new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = text } }.ToJsonString() + "\n\n",
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":4}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
            }
            : new[]
            {
                "data: " + new JsonObject { ["id"] = "c", ["object"] = "chat.completion.chunk", ["created"] = 1, ["model"] = "m", ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["role"] = "assistant", ["content"] = text }, ["finish_reason"] = null }) }.ToJsonString() + "\n\n",
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
                "data: [DONE]\n\n",
            };
        foreach (var e in events)
        {
            await ctx.Response.WriteAsync(e);
            await ctx.Response.Body.FlushAsync();
        }
    }
}
