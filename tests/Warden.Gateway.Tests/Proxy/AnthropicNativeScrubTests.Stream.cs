using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>Streamed answers and fallback to an OpenAI-format provider, for the scrubbed Anthropic-native path.</summary>
public sealed partial class AnthropicNativeScrubTests
{
    private static string Sse(string name, string data) => $"event: {name}\ndata: {data}\n\n";

    private static string Delta(int index, string delta) => Sse("content_block_delta", $$"""{"type":"content_block_delta","index":{{index}},"delta":{{delta}}}""");

    // What the provider streams: surrogates split across text, thinking and input_json deltas, a citation, a ping with a space.
    private static readonly string[] Upstream =
    [
        Sse("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":13,"output_tokens":1}}}"""),
        Sse("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"""),
        Delta(0, """{"type":"thinking_delta","thinking":"Mail <EMAIL_AD"}"""),
        Delta(0, """{"type":"thinking_delta","thinking":"DRESS_1> now."}"""),
        Delta(0, """{"type":"signature_delta","signature":"c2ln"}"""),
        Sse("content_block_stop", """{"type":"content_block_stop","index":0}"""),
        Sse("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"""),
        Sse("ping", """{"type": "ping"}"""),
        Delta(1, """{"type":"text_delta","text":"Sent to <EMAIL_AD"}"""),
        Delta(1, """{"type":"text_delta","text":"DRESS_1>, café"}"""),
        Delta(1, """{"type":"citations_delta","citation":{"type":"char_location","cited_text":"by <EMAIL_ADDRESS_1>","document_index":1,"document_title":null,"start_char_index":0,"end_char_index":5}}"""),
        Delta(1, """{"type":"text_delta","text":" ends <EMAIL"}"""),
        Sse("content_block_stop", """{"type":"content_block_stop","index":1}"""),
        Sse("content_block_start", """{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_2","name":"send_mail","input":{}}}"""),
        Delta(2, """{"type":"input_json_delta","partial_json":"{\"to\":\"<EMAIL_"}"""),
        Delta(2, """{"type":"input_json_delta","partial_json":"ADDRESS_1>\"}"}"""),
        Sse("content_block_stop", """{"type":"content_block_stop","index":2}"""),
        Sse("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":20}}"""),
        Sse("message_stop", """{"type":"message_stop"}"""),
    ];

    // What the caller gets: the same events, restored where a surrogate completed; the held-back "<EMAIL" flushed before its stop.
    private static readonly string Expected = string.Concat(
        Upstream[0], Upstream[1], Upstream[2], Upstream[3], Upstream[4], Upstream[5], Upstream[6], Upstream[7],
        Delta(1, """{"type":"text_delta","text":"Sent to "}"""),
        Delta(1, """{"type":"text_delta","text":"jane.doe@example.com, café"}"""),
        Delta(1, """{"type":"citations_delta","citation":{"type":"char_location","cited_text":"by jane.doe@example.com","document_index":1,"document_title":null,"start_char_index":0,"end_char_index":5}}"""),
        Delta(1, """{"type":"text_delta","text":" ends "}"""),
        Delta(1, """{"type":"text_delta","text":"<EMAIL"}"""),
        Upstream[12], Upstream[13],
        Delta(2, """{"type":"input_json_delta","partial_json":"{\"to\":\""}"""),
        Delta(2, """{"type":"input_json_delta","partial_json":"jane.doe@example.com\"}"}"""),
        Upstream[16], Upstream[17], Upstream[18]);

    private static async Task StreamUpstream(HttpContext ctx)
    {
        ctx.Response.ContentType = "text/event-stream";
        var all = Encoding.UTF8.GetBytes(string.Concat(Upstream));
        // Cut the byte stream at odd places too: inside events and inside surrogates.
        for (var at = 0; at < all.Length; at += 211)
        {
            await ctx.Response.Body.WriteAsync(all.AsMemory(at, Math.Min(211, all.Length - at)));
            await ctx.Response.Body.FlushAsync();
        }
    }

    [Fact]
    public async Task RequireScrub_StreamedAnswer_EventsAsSentButRestored_SplitSurrogatesJoined()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        anthropic.Respond = (ctx, _) => StreamUpstream(ctx);
        await using var gw = await StartAsync(anthropic);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));

        using var response = await client.PostAsync("v1/messages", new StringContent(RichBody(true), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Expected, await response.Content.ReadAsStringAsync());
        Assert.Equal("<EMAIL_ADDRESS_1>", SurrogateOf(anthropic.Requests.Single().Json));
    }

    [Fact]
    public async Task RequireScrub_AnthropicSdk_Streamed_TextToolInputCitationRestored_ThinkingAndSignatureAsSent()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        anthropic.Respond = (ctx, _) => StreamUpstream(ctx);
        await using var gw = await StartAsync(anthropic);
        var sdk = Sdk.Anthropic(gw, await gw.CreateAgentKeyAsync("a"));

        StringBuilder text = new(), thinking = new(), input = new(), signature = new(), cited = new();
        await foreach (var evt in sdk.Messages.CreateStreaming(Params(RichBody(false))))
        {
            if (!evt.TryPickContentBlockDelta(out var delta))
            {
                continue;
            }

            if (delta.Delta.TryPickText(out var t))
            {
                text.Append(t.Text);
            }
            else if (delta.Delta.TryPickThinking(out var th))
            {
                thinking.Append(th.Thinking);
            }
            else if (delta.Delta.TryPickInputJson(out var j))
            {
                input.Append(j.PartialJson);
            }
            else if (delta.Delta.TryPickSignature(out var sig))
            {
                signature.Append(sig.Signature);
            }
            else if (delta.Delta.TryPickCitations(out var c) && c.Citation.TryPickCharLocation(out var loc))
            {
                cited.Append(loc.CitedText);
            }
        }

        Assert.Equal("Sent to " + Email + ", café ends <EMAIL", text.ToString());
        Assert.Equal("Mail <EMAIL_ADDRESS_1> now.", thinking.ToString());
        Assert.Equal(Email, (string?)JsonNode.Parse(input.ToString())!["to"]);
        Assert.Equal("c2ln", signature.ToString());
        Assert.Equal("by " + Email, cited.ToString());
        Assert.True((bool?)anthropic.Requests.Single().Json["stream"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequireScrub_AnthropicFails_OpenAIFallbackGetsScrubbedTranslation_CallerGetsAnthropicShapeRestored(bool stream)
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var openai = await FakeProvider.StartAsync("openai");
        anthropic.Respond = async (ctx, _) =>
        {
            ctx.Response.StatusCode = 529;
            await ctx.Response.WriteAsync("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        };
        openai.Respond = (ctx, r) =>
        {
            var s = Surrogate().Match((string)r.Json["messages"]![0]!["content"]!).Value;
            return FakeProvider.OpenAIAnswer(ctx, new RecordedRequest(r.Method, r.Path, r.Query, r.Headers,
                r.Body.Replace("Summarise both.", "Mailed " + s, StringComparison.Ordinal)), "ok");
        };
        var settings = ProxySettings.For(openai, anthropic);
        settings["Warden:Providers:anthropic:RequireScrub"] = "true";
        settings["Warden:Models:smart:Provider"] = "anthropic";
        settings["Warden:Models:smart:Model"] = "claude-sonnet-4-5";
        settings["Warden:Models:smart:Fallbacks:0"] = "openai/gpt-4o-mini";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = RichBody(stream).Replace("claude-sonnet-4-5", "smart", StringComparison.Ordinal);

        using var response = await client.PostAsync("v1/messages", new StringContent(body, Encoding.UTF8, "application/json"));
        var answer = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The Anthropic attempt got the native scrubbed body; the OpenAI one a translation of the same scrubbed strings.
        var first = anthropic.Requests.Single();
        Assert.Equal("claude-sonnet-4-5", (string?)first.Json["model"]);
        Assert.Equal("document", (string?)first.Json["messages"]![0]!["content"]![0]!["type"]);
        var second = openai.Requests.Single();
        Assert.Equal("gpt-4o-mini", (string?)second.Json["model"]);
        Assert.Equal("system", (string?)second.Json["messages"]![0]!["role"]);
        Assert.Equal("Escalate to <EMAIL_ADDRESS_1>.", (string?)second.Json["messages"]![0]!["content"]);
        Assert.Equal("send_mail", (string?)second.Json["tools"]![0]!["function"]!["name"]);
        foreach (var canary in Canaries)
        {
            Assert.DoesNotContain(canary, first.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(canary, second.Body, StringComparison.Ordinal);
        }

        Assert.Contains(stream ? Email : "Mailed " + Email, answer, StringComparison.Ordinal);
        Assert.DoesNotContain("<EMAIL_ADDRESS_1>", answer, StringComparison.Ordinal);
        if (!stream)
        {
            Assert.Equal("message", (string?)JsonNode.Parse(answer)!["type"]);
        }
        else
        {
            Assert.Contains("event: message_stop", answer, StringComparison.Ordinal);
        }
    }
}
