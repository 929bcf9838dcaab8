using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// A stream whose last event lacks its blank line (the provider closes right after <c>data: ...\n</c>, <c>data: ...\r\n</c>
/// or <c>data: ...</c> with no line end): the pass-through (scrub off) forwards the provider's bytes exactly as received;
/// the parse/restore path (scrub on) still delivers the last event's text, restored, in well-formed events. OpenAI and
/// Anthropic shapes, the stream cut across TCP writes.
/// </summary>
public sealed partial class StreamEndingTests
{
    private const string Email = "jane.doe@example.com";

    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var shape in new[] { "openai", "anthropic" })
        {
            foreach (var ending in new[] { "\n\n", "\n", "", "\r\n", "\r\n\r\n" })
            {
                data.Add(shape, ending, false);
                data.Add(shape, ending, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Stream_LastEventEnding_PassThroughByteExactAndRestorePathKeepsLastEvent(string shape, string ending, bool scrub)
    {
        await using var provider = await FakeProvider.StartAsync(shape);
        string? upstream = null;
        provider.Respond = async (ctx, r) =>
        {
            // Echo what the provider saw: the surrogate when scrubbed, the address itself when not.
            var seen = Surrogate().Match(r.Body) is { Success: true } m ? m.Value : Email;
            upstream = shape == "openai" ? OpenAIStream(seen, ending) : AnthropicStream(seen, ending);
            ctx.Response.ContentType = "text/event-stream";
            var all = Encoding.UTF8.GetBytes(upstream);
            foreach (var (from, to) in new[] { (0, 40), (40, all.Length - 5), (all.Length - 5, all.Length) })
            {
                await ctx.Response.Body.WriteAsync(all.AsMemory(from, to - from));
                await ctx.Response.Body.FlushAsync();
            }
        };

        var settings = shape == "openai" ? ProxySettings.For(provider) : ProxySettings.For(anthropic: provider);
        if (scrub)
        {
            settings[$"Warden:Providers:{shape}:RequireScrub"] = "true";
        }

        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync(shape == "openai" ? "v1/chat/completions" : "v1/messages",
            new StringContent(RequestBody(shape), Encoding.UTF8, "application/json"));
        var answer = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(upstream);

        if (!scrub)
        {
            Assert.Equal(upstream, answer); // pass-through: the provider's bytes, unterminated last event included
            return;
        }

        Assert.Contains("<EMAIL_ADDRESS_", provider.Requests.Single().Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Email, provider.Requests.Single().Body, StringComparison.Ordinal);
        var events = Sse.Parse(answer, dispatchUnterminated: false); // what a spec-following client (a browser) sees
        Assert.Equal("Hello " + Email + " bye " + Email, Sse.Text(events, shape));
        Assert.DoesNotContain("<EMAIL", answer, StringComparison.Ordinal);
        Assert.True(answer.EndsWith("\n\n", StringComparison.Ordinal), "the restore path ends every event it writes");
    }

    internal static string RequestBody(string shape, string text = "Please mail " + Email) => shape == "openai"
        ? new JsonObject
        {
            ["model"] = "gpt-4o-mini",
            ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
        }.ToJsonString()
        : new JsonObject
        {
            ["model"] = "claude-sonnet-4-5",
            ["max_tokens"] = 64,
            ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
        }.ToJsonString();

    private static string OpenAIChunk(string delta, string finish = "null") =>
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}";

    /// <summary>Usage first, then text; the last event carries text and finish_reason and ends with <paramref name="ending"/> (no [DONE]).</summary>
    private static string OpenAIStream(string seen, string ending) => string.Concat(
        "data: " + OpenAIChunk("{\"role\":\"assistant\",\"content\":\"Hello \"}") + "\n\n",
        ": keep-alive\n\n",
        "data: " + OpenAIChunk("{\"content\":\"" + seen + " bye \"}") + "\r\n\r\n",
        "data: " + OpenAIChunk("{\"content\":\"" + seen + "\"}", "\"stop\"") + ending);

    /// <summary>A truncated Anthropic stream: its last event is a text delta, ending with <paramref name="ending"/>.</summary>
    private static string AnthropicStream(string seen, string ending) => string.Concat(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: ping\ndata: {\"type\":\"ping\"}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello " + seen + " bye \"}}\r\n\r\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + seen + "\"}}" + ending);

    [GeneratedRegex("<[A-Z_]+_[0-9]+>", RegexOptions.NonBacktracking)]
    internal static partial Regex Surrogate();
}
