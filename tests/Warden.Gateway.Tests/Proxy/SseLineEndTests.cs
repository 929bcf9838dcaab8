using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Anthropic.Models.Messages;
using Microsoft.AspNetCore.Http;
using OpenAI.Chat;
using Warden.Gateway.Proxy;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// SSE lines may end with CR, LF or CRLF (the SSE spec allows all three, mixed): a provider stream using bare CR is read
/// event by event (a CRLF cut between two reads still counts once), passed through byte for byte, and restored when
/// scrubbed, in both dialects.
/// </summary>
public sealed class SseLineEndTests
{
    private const string Email = "jane.doe@example.com";

    // Every line end kind, mixed: bare CR events, a CRLF event, an LF event, a comment, a named event, multi-line data.
    private const string Mixed = "data: a\r\r: comment\rdata: b1\rdata: b2\r\revent: e\r\ndata: c\r\n\r\ndata: d\n\ndata: e\r\n\rdata: f\n\r";

    private static readonly (string Event, string Data)[] MixedEvents = [("", "a"), ("", "b1\nb2"), ("e", "c"), ("", "d"), ("", "e"), ("", "f")];

    public static TheoryData<int> Cuts()
    {
        var data = new TheoryData<int>();
        for (var i = 1; i < Mixed.Length; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cuts))]
    public async Task Reader_MixedLineEnds_CutAnywhere_SameEventsAndRawIsTheInput(int cut)
    {
        var bytes = Encoding.ASCII.GetBytes(Mixed);
        var (events, raw) = await ReadAllAsync([bytes[..cut], bytes[cut..]]);
        Assert.Equal(MixedEvents, events);
        Assert.Equal(Mixed, raw);
    }

    [Theory]
    [InlineData(new[] { "data: x\r", "\ndata: y\r\n\r\n" }, new[] { "x\ny" })]
    [InlineData(new[] { "data: x\r\r", "\ndata: y\r\r" }, new[] { "x", "y" })]
    [InlineData(new[] { "data: x\r\n\r", "\n", "data: y\r\n\r\n" }, new[] { "x", "y" })]
    [InlineData(new[] { "data: x\r\n\r", "\r", "data: y\r" }, new[] { "x", "y" })]
    [InlineData(new[] { "data: x\r" }, new[] { "x" })]
    public async Task Reader_CrAtTheEndOfARead_LineEndDecidedByTheNextRead(string[] reads, string[] expected)
    {
        var (events, raw) = await ReadAllAsync(reads.Select(Encoding.ASCII.GetBytes).ToArray());
        Assert.Equal(expected, events.Select(e => e.Data));
        Assert.Equal(string.Concat(reads), raw);
    }

    private static async Task<(List<(string Event, string Data)> Events, string Raw)> ReadAllAsync(byte[][] reads)
    {
        await using var stream = new ReadByRead(reads);
        var sse = new SseReader(stream, 1 << 20);
        var events = new List<(string, string)>();
        var raw = new StringBuilder();
        while (await sse.ReadAsync(CancellationToken.None))
        {
            events.Add((Encoding.UTF8.GetString(sse.EventName), Encoding.UTF8.GetString(sse.Data.Span)));
            foreach (var segment in sse.Raw)
            {
                raw.Append(Encoding.UTF8.GetString(segment.Span));
            }
        }

        raw.Append(Encoding.UTF8.GetString(sse.Trailing));
        await sse.CompleteAsync();
        return (events, raw.ToString());
    }

    private static string OpenAIChunk(string content, string finish = "null") =>
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content +
        "\"},\"finish_reason\":" + finish + "}]}";

    /// <summary>An OpenAI stream with bare CR line ends (one CRLF and one LF event mixed in), the surrogate split across two events.</summary>
    private static string OpenAIStream(string surrogate) => string.Concat(
        "data: " + OpenAIChunk("Mail ") + "\r\r",
        ": keep-alive\r",
        "data: " + OpenAIChunk(surrogate[..5]) + "\r\r",
        "data: " + OpenAIChunk(surrogate[5..] + " now") + "\r\n\r\n",
        "data: " + OpenAIChunk(".", "\"stop\"") + "\r\r",
        "data: [DONE]\r\r");

    private static async Task WriteInPieces(HttpContext ctx, string body)
    {
        ctx.Response.ContentType = "text/event-stream";
        var all = Encoding.UTF8.GetBytes(body);
        for (var at = 0; at < all.Length; at += 37)
        {
            await ctx.Response.Body.WriteAsync(all.AsMemory(at, Math.Min(37, all.Length - at)));
            await ctx.Response.Body.FlushAsync();
        }
    }

    [Fact]
    public async Task PassThrough_BareCrStream_CallerGetsTheProviderBytes_SdkReadsIt()
    {
        var upstream = OpenAIStream("hello world");
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = (ctx, _) => WriteInPieces(ctx, upstream);
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai));
        var key = await gw.CreateAgentKeyAsync("a");
        using var client = gw.CreateClient(key);
        var body = """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(upstream, await response.Content.ReadAsStringAsync());

        var text = new StringBuilder();
        await foreach (var update in Sdk.OpenAIChat(gw, key, "gpt-4o-mini").CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Equal("Mail hello world now.", text.ToString());
    }

    [Fact]
    public async Task RequireScrub_OpenAIBareCrStream_SplitSurrogateRestored_ViaSdk()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = (ctx, r) => WriteInPieces(ctx, OpenAIStream(AnthropicNativeScrubTests.Surrogate().Match(r.Body).Value));
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

        Assert.Equal("Mail " + Email + " now.", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.DoesNotContain(Email, openai.Requests.Single().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireScrub_AnthropicBareCrStream_SplitSurrogateRestored_ViaSdk()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        anthropic.Respond = (ctx, r) =>
        {
            var s = AnthropicNativeScrubTests.Surrogate().Match(r.Body).Value;
            static string Event(string name, string data) => $"event: {name}\rdata: {data}\r\r";
            static string Text(string t) => Event("content_block_delta", $$$$$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"{{{{{{t}}}}}}"}}""");
            return WriteInPieces(ctx, string.Concat(
                Event("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}"""),
                Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
                Text("Mail "),
                Text(s[..5]),
                Text(s[5..] + " now."),
                Event("content_block_stop", """{"type":"content_block_stop","index":0}"""),
                Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}"""),
                Event("message_stop", """{"type":"message_stop"}""")));
        };
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.Scrubbing(anthropic: anthropic));
        var sdk = Sdk.Anthropic(gw, await gw.CreateAgentKeyAsync("a"));
        var text = new StringBuilder();
        long outputTokens = 0;
        await foreach (var evt in sdk.Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "claude-sonnet-4-5",
            MaxTokens = 64,
            Messages = [new UserMessageParam("Mail " + Email)],
        }))
        {
            if (evt.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var t))
            {
                text.Append(t.Text);
            }

            if (evt.TryPickDelta(out var md))
            {
                outputTokens = md.Usage.OutputTokens;
            }
        }

        Assert.Equal("Mail " + Email + " now.", text.ToString());
        Assert.Equal(4, outputTokens);
        Assert.DoesNotContain(Email, anthropic.Requests.Single().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Translated_AnthropicBareCrStream_OpenAICallerGetsTheText()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        anthropic.Respond = (ctx, _) => WriteInPieces(ctx, string.Concat(
            "event: message_start\rdata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\r\r",
            "event: content_block_start\rdata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\r\r",
            "event: content_block_delta\rdata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"one \"}}\r\r",
            "event: content_block_delta\rdata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"two\"}}\r\r",
            "event: content_block_stop\rdata: {\"type\":\"content_block_stop\",\"index\":0}\r\r",
            "event: message_delta\rdata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}\r\r",
            "event: message_stop\rdata: {\"type\":\"message_stop\"}\r\r"));
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(anthropic: anthropic));
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in Sdk.OpenAIChat(gw, await gw.CreateAgentKeyAsync("a"), "claude-sonnet-4-5").CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal("one two", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
    }

    /// <summary>A stream that hands out exactly one of the given byte arrays per read.</summary>
    private sealed class ReadByRead(byte[][] reads) : Stream
    {
        private int _next;
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_next < reads.Length && _offset == reads[_next].Length)
            {
                (_next, _offset) = (_next + 1, 0);
            }

            if (_next == reads.Length)
            {
                return 0;
            }

            var n = Math.Min(buffer.Length, reads[_next].Length - _offset);
            reads[_next].AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
