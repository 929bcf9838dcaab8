using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic.Models.Messages;
using Microsoft.AspNetCore.Http;
using OpenAI.Chat;
using Warden.Gateway.Proxy;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// Providers split a character outside the BMP (an emoji) across two deltas as JSON escapes (<c>\ud83d</c> ending one,
/// <c>\ude00</c> starting the next): restored, translated and scrubbed streams deliver it whole, in text, tool arguments
/// and Anthropic blocks; a surrogate that stays unpaired ends the stream with an error event (no end marker).
/// </summary>
public sealed class SplitSurrogateStreamTests
{
    private const string Email = "jane.doe@example.com";
    private const string Emoji = "\U0001F600";
    private const string High = "\\ud83d";
    private const string Low = "\\ude00";

    private static string Chunk(string delta, string finish = "null") =>
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":" + delta +
        ",\"finish_reason\":" + finish + "}]}\n\n";

    private static string Content(string text) => "{\"content\":\"" + text + "\"}";

    private static string Args(int index, string arguments) =>
        "{\"tool_calls\":[{\"index\":" + index + ",\"function\":{\"arguments\":\"" + arguments + "\"}}]}";

    private static async Task Write(HttpContext ctx, string body)
    {
        ctx.Response.ContentType = "text/event-stream";
        await ctx.Response.WriteAsync(body);
    }

    [Fact]
    public async Task RequireScrub_OpenAIStream_EmojiSplitInTextAndArguments_ArrivesWhole_ViaSdk()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = (ctx, r) =>
        {
            var s = AnthropicNativeScrubTests.Surrogate().Match(r.Body).Value;
            return Write(ctx, string.Concat(
                Chunk("{\"role\":\"assistant\",\"content\":\"Mail \"}"),
                Chunk(Content(High)),
                Chunk(Content(Low + " " + s[..4])),
                Chunk(Content(s[4..] + " " + High)),
                Chunk(Content("")),
                Chunk(Content(Low)),
                Chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"send\",\"arguments\":\"\"}}]}"),
                Chunk(Args(0, "{\\\"to\\\":\\\"" + s + "\\\",\\\"mood\\\":\\\"" + High)),
                Chunk(Args(0, Low + "\\\"}")),
                Chunk("{}", "\"tool_calls\""),
                "data: [DONE]\n\n"));
        };
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.Scrubbing(openai));
        var text = new StringBuilder();
        var args = new StringBuilder();
        ChatFinishReason? finish = null;
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("send", "sends") } };
        await foreach (var update in Sdk.OpenAIChat(gw, await gw.CreateAgentKeyAsync("a"), "gpt-4o-mini").CompleteChatStreamingAsync([new UserChatMessage("Mail " + Email)], options))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            foreach (var tc in update.ToolCallUpdates)
            {
                args.Append(tc.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal("Mail " + Emoji + " " + Email + " " + Emoji, text.ToString());
        var parsed = JsonNode.Parse(args.ToString())!;
        Assert.Equal(Email, (string?)parsed["to"]);
        Assert.Equal(Emoji, (string?)parsed["mood"]);
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.DoesNotContain(Email, openai.Requests.Single().Body, StringComparison.Ordinal);
    }

    private static string AnthropicEvent(string name, string data) => $"event: {name}\ndata: {data}\n\n";

    private static string TextDelta(int index, string text) =>
        AnthropicEvent("content_block_delta", $$$$$$"""{"type":"content_block_delta","index":{{{{{{index}}}}}},"delta":{"type":"text_delta","text":"{{{{{{text}}}}}}"}}""");

    private static string JsonDelta(int index, string json) =>
        AnthropicEvent("content_block_delta", $$$$$$"""{"type":"content_block_delta","index":{{{{{{index}}}}}},"delta":{"type":"input_json_delta","partial_json":"{{{{{{json}}}}}}"}}""");

    private static string AnthropicStream(string surrogate, bool lone = false) => string.Concat(
        AnthropicEvent("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}"""),
        AnthropicEvent("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
        TextDelta(0, "Mail " + High),
        lone ? TextDelta(0, " and then") : TextDelta(0, Low + " " + surrogate),
        AnthropicEvent("content_block_stop", """{"type":"content_block_stop","index":0}"""),
        AnthropicEvent("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"send","input":{}}}"""),
        JsonDelta(1, "{\\\"to\\\":\\\"" + surrogate + "\\\",\\\"mood\\\":\\\"" + High),
        JsonDelta(1, Low + "\\\"}"),
        AnthropicEvent("content_block_stop", """{"type":"content_block_stop","index":1}"""),
        AnthropicEvent("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":9}}"""),
        AnthropicEvent("message_stop", """{"type":"message_stop"}"""));

    [Fact]
    public async Task RequireScrub_AnthropicStream_EmojiSplitInTextAndInputJson_ArrivesWhole_ViaSdk()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        anthropic.Respond = (ctx, r) => Write(ctx, AnthropicStream(AnthropicNativeScrubTests.Surrogate().Match(r.Body).Value));
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.Scrubbing(anthropic: anthropic));
        var sdk = Sdk.Anthropic(gw, await gw.CreateAgentKeyAsync("a"));
        StringBuilder text = new(), input = new();
        await foreach (var evt in sdk.Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "claude-sonnet-4-5",
            MaxTokens = 64,
            Messages = [new UserMessageParam("Mail " + Email)],
        }))
        {
            if (evt.TryPickContentBlockDelta(out var delta))
            {
                if (delta.Delta.TryPickText(out var t))
                {
                    text.Append(t.Text);
                }
                else if (delta.Delta.TryPickInputJson(out var j))
                {
                    input.Append(j.PartialJson);
                }
            }
        }

        Assert.Equal("Mail " + Emoji + " " + Email, text.ToString());
        var parsed = JsonNode.Parse(input.ToString())!;
        Assert.Equal(Email, (string?)parsed["to"]);
        Assert.Equal(Emoji, (string?)parsed["mood"]);
        Assert.DoesNotContain(Email, anthropic.Requests.Single().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Translated_AnthropicStreamToOpenAICaller_EmojiSplit_ArrivesWhole_ViaSdk()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        anthropic.Respond = (ctx, _) => Write(ctx, AnthropicStream("Bob"));
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(anthropic: anthropic));
        var text = new StringBuilder();
        await foreach (var update in Sdk.OpenAIChat(gw, await gw.CreateAgentKeyAsync("a"), "claude-sonnet-4-5").CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Equal("Mail " + Emoji + " Bob", text.ToString());
    }

    [Fact]
    public async Task RequireScrub_OpenAIStream_HighSurrogateNeverCompleted_EndsWithErrorEventAndNoDone()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = (ctx, _) => Write(ctx, string.Concat(
            Chunk(Content("Mail " + Email[..1])), Chunk(Content(High)), Chunk("{}", "\"stop\""), "data: [DONE]\n\n"));
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.Scrubbing(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Mail jane.doe@example.com"}]}""";
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = Sse.Parse(await response.Content.ReadAsStringAsync(), dispatchUnterminated: false);
        Assert.DoesNotContain(events, e => e.Data == "[DONE]");
        var error = JsonNode.Parse(events[^1].Data)!["error"]!;
        Assert.Equal("warden_upstream_stream_failed", (string?)error["code"]);
        Assert.Contains("unpaired UTF-16 surrogate", (string?)error["message"], StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.Data.Contains("\"finish_reason\":\"stop\"", StringComparison.Ordinal));
        Assert.Equal("Mail j", Sse.Text(events.Take(events.Count - 1).ToList(), "openai"));
    }

    [Fact]
    public async Task RequireScrub_OpenAIStream_LowHalfInTheFinishChunk_ArrivesWhole_ViaSdk()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = (ctx, r) =>
        {
            var s = AnthropicNativeScrubTests.Surrogate().Match(r.Body).Value;
            return Write(ctx, string.Concat(
                Chunk("{\"role\":\"assistant\",\"content\":\"Mail " + s + " " + High + "\"}"),
                Chunk(Content(Low), "\"stop\""),
                "data: [DONE]\n\n"));
        };
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.Scrubbing(openai));
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in Sdk.OpenAIChat(gw, await gw.CreateAgentKeyAsync("a"), "gpt-4o-mini").CompleteChatStreamingAsync([new UserChatMessage("Mail " + Email)]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal("Mail " + Email + " " + Emoji, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
    }

    [Fact]
    public async Task RequireScrub_OpenAIStream_HighSurrogateFollowedByOtherText_ErrorEventNoLoneSurrogateForwarded()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = (ctx, _) => Write(ctx, string.Concat(
            Chunk(Content("Mail " + High)), Chunk(Content("plain")), Chunk(Content(" more")), Chunk("{}", "\"stop\""), "data: [DONE]\n\n"));
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.Scrubbing(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Mail jane.doe@example.com"}]}""";
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("ud83d", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("plain", raw, StringComparison.Ordinal);
        var events = Sse.Parse(raw, dispatchUnterminated: false);
        Assert.DoesNotContain(events, e => e.Data == "[DONE]");
        Assert.Equal("warden_upstream_stream_failed", (string?)JsonNode.Parse(events[^1].Data)!["error"]!["code"]);
        Assert.Equal("Mail ", Sse.Text(events.Take(events.Count - 1).ToList(), "openai"));
    }

    [Fact]
    public async Task RequireScrub_AnthropicStream_HighSurrogateFollowedByOtherText_EndsWithErrorEventAndNoMessageStop()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        anthropic.Respond = (ctx, r) => Write(ctx, AnthropicStream(AnthropicNativeScrubTests.Surrogate().Match(r.Body).Value, lone: true));
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.Scrubbing(anthropic: anthropic));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = """{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Mail jane.doe@example.com"}]}""";
        using var response = await client.PostAsync("v1/messages", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = Sse.Parse(await response.Content.ReadAsStringAsync(), dispatchUnterminated: false);
        Assert.DoesNotContain(events, e => e.Event == "message_stop");
        Assert.Equal("error", events[^1].Event);
        Assert.Equal("api_error", (string?)JsonNode.Parse(events[^1].Data)!["error"]!["type"]);
    }

    [Fact]
    public void Joiner_InterleavedToolCalls_EachHalfJoinedAtItsOwnPlace()
    {
        var joiner = new SurrogateJoiner();
        string Process(string data) => Encoding.UTF8.GetString(joiner.Process(Encoding.UTF8.GetBytes(data)));
        static string Tool(int index, string args) =>
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"" + args + "\"},\"index\":" + index + "}]}}]}";

        Assert.Equal(Tool(0, "a"), Process(Tool(0, "a" + High)));
        Assert.True(joiner.Holding);
        Assert.Equal(Tool(1, "b"), Process(Tool(1, "b")));
        Assert.Equal(Tool(0, High + Low + "c"), Process(Tool(0, Low + "c")));
        Assert.False(joiner.Holding);
        joiner.Finish();
    }

    [Theory]
    [InlineData("{\"t\":\"plain \\\\ud83d\"}")] // an escaped backslash: text, not an escape
    [InlineData("{\"t\":\"whole " + High + Low + "\"}")]
    [InlineData("{\"t\":\"caf\\u00e9\"}")]
    [InlineData("[DONE]")]
    public void Joiner_NothingSplit_DataReturnedAsIs(string data)
    {
        var joiner = new SurrogateJoiner();
        var bytes = Encoding.UTF8.GetBytes(data);
        var output = joiner.Process(bytes);
        Assert.True(output.Overlaps(bytes) && output.Length == bytes.Length);
        Assert.False(joiner.Holding);
    }

    [Fact]
    public void Joiner_HalfStillHeldAtTheEnd_Throws()
    {
        var joiner = new SurrogateJoiner();
        joiner.Process(Encoding.UTF8.GetBytes("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"text\":\"x" + High + "\"}}"));
        Assert.Throws<Translation.UpstreamStreamException>(() =>
        {
            joiner.Process("{\"type\":\"message_stop\"}"u8);
        });
        Assert.Throws<Translation.UpstreamStreamException>(joiner.Finish);
    }

    [Fact]
    public void Joiner_TwoSplitsInOneEvent_Throws()
    {
        var joiner = new SurrogateJoiner();
        var sb = new StringBuilder("{");
        for (var i = 0; i <= SurrogateJoiner.MaxHeld; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append("\"k").Append(i).Append("\":\"").Append(High).Append('"');
        }

        var data = Encoding.UTF8.GetBytes(sb.Append('}').ToString());
        Assert.Throws<Translation.UpstreamStreamException>(() =>
        {
            joiner.Process(data);
        });
    }

    private static string Choice(int index, string content, string finish = "null") =>
        "{\"choices\":[{\"index\":" + index + ",\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":" + finish + "}]}";

    private static string Run(SurrogateJoiner joiner, string data) => Encoding.UTF8.GetString(joiner.Process(Encoding.UTF8.GetBytes(data)));

    [Fact]
    public void Joiner_AtMostOneHalfPerStream_SecondSplitElsewhereWhileHolding_Throws()
    {
        Assert.Equal(1, SurrogateJoiner.MaxHeld);
        var joiner = new SurrogateJoiner();
        Run(joiner, Choice(0, "a" + High));
        Assert.Throws<Translation.UpstreamStreamException>(() => Run(joiner, Choice(1, "b" + High)));
    }

    [Fact]
    public void Joiner_SamePlaceSplitsAgainAfterJoining_StillOneHalfHeld()
    {
        var joiner = new SurrogateJoiner();
        Run(joiner, Choice(0, "a" + High));
        Assert.Equal(Choice(0, High + Low + "b"), Run(joiner, Choice(0, Low + "b" + High)));
        Assert.True(joiner.Holding);
        Assert.Equal(Choice(0, High + Low), Run(joiner, Choice(0, Low)));
        joiner.Finish();
    }

    [Fact]
    public void Joiner_LowHalfInTheFinishChunk_Joined()
    {
        var joiner = new SurrogateJoiner();
        Assert.Equal(Choice(0, "a"), Run(joiner, Choice(0, "a" + High)));
        Assert.Equal(Choice(0, High + Low, "\"stop\""), Run(joiner, Choice(0, Low, "\"stop\"")));
        Assert.False(joiner.Holding);
        joiner.Finish();
    }

    [Fact]
    public void Joiner_AnotherChoiceFinishes_HalfKeepsWaiting_ItsOwnChoiceFinishing_Throws()
    {
        var joiner = new SurrogateJoiner();
        Run(joiner, Choice(0, "a" + High));
        Assert.Equal(Choice(1, "done", "\"stop\""), Run(joiner, Choice(1, "done", "\"stop\"")));
        Assert.True(joiner.Holding);
        Assert.Throws<Translation.UpstreamStreamException>(() => Run(joiner, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}"));
    }

    [Fact]
    public void Joiner_AnotherBlockStops_HalfKeepsWaiting_ItsOwnBlockStopping_Throws()
    {
        var joiner = new SurrogateJoiner();
        Run(joiner, "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"text_delta\",\"text\":\"x" + High + "\"}}");
        Run(joiner, "{\"type\":\"content_block_stop\",\"index\":1}");
        Assert.True(joiner.Holding);
        Assert.Throws<Translation.UpstreamStreamException>(() => Run(joiner, "{\"type\":\"content_block_stop\",\"index\":2}"));
    }

    [Theory]
    [InlineData(" and then")]
    [InlineData("\\ud83d\\ude00")] // another whole character: the held half would stay lone
    [InlineData("\\u00e9")]
    public void Joiner_HalfFollowedByAnythingButTheLowHalf_Throws(string next)
    {
        var joiner = new SurrogateJoiner();
        Run(joiner, Choice(0, "a" + High));
        Assert.Throws<Translation.UpstreamStreamException>(() => Run(joiner, Choice(0, next)));
    }

    [Fact]
    public void Joiner_Output_IsValidJsonWithTheWholeCharacter()
    {
        var joiner = new SurrogateJoiner();
        joiner.Process(Encoding.UTF8.GetBytes("{\"index\":2,\"delta\":{\"text\":\"a" + High + "\"}}"));
        var joined = joiner.Process(Encoding.UTF8.GetBytes("{\"delta\":{\"text\":\"" + Low + "b\"},\"index\":2}")).ToArray();
        using var doc = JsonDocument.Parse(joined);
        Assert.Equal(Emoji + "b", doc.RootElement.GetProperty("delta").GetProperty("text").GetString());
    }
}
