using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// Streamed tool-call arguments carrying non-BMP characters: raw UTF-8 emoji cut across TCP writes, a JSON-escaped
/// surrogate pair (<c>\ud83d\ude00</c>) inside one delta, the arguments' own escaped pair (<c>\\ud83d\\ude00</c> in the wire
/// JSON) split across deltas, and a scrub surrogate split across deltas. The caller assembles the same arguments the
/// provider sent, restored when scrubbing. OpenAI (<c>tool_calls[].function.arguments</c>) and Anthropic
/// (<c>input_json_delta.partial_json</c>) shapes.
/// </summary>
public sealed class StreamToolArgumentTests
{
    private const string Email = "jane.doe@example.com";

    // The pieces as they appear inside the wire JSON's string literal; {0}/{1} = the two halves of what the provider saw.
    private static readonly string[] Pieces =
    [
        "{\\\"to\\\":\\\"{0}",
        "{1}\\\",\\\"note\\\":\\\"raw \U0001F600 pair \\ud83d\\ude00 inner \\\\ud8",
        "3d\\\\ude00 mid \U0001F389",
        " end\\\"}",
    ];

    // What the caller must assemble (the arguments' own escape stays an escape).
    private const string Expected = "{\"to\":\"" + Email + "\",\"note\":\"raw \U0001F600 pair \U0001F600 inner \\ud83d\\ude00 mid \U0001F389 end\"}";

    [Theory]
    [InlineData("openai", false)]
    [InlineData("openai", true)]
    [InlineData("anthropic", false)]
    [InlineData("anthropic", true)]
    public async Task StreamedToolArguments_NonBmpAndSplitEscapes_ArriveIntactAndRestored(string shape, bool scrub)
    {
        await using var provider = await FakeProvider.StartAsync(shape);
        provider.Respond = async (ctx, r) =>
        {
            var seen = StreamEndingTests.Surrogate().Match(r.Body) is { Success: true } m ? m.Value : Email;
            var half = seen.Length / 2;
            var pieces = Pieces.Select(p => p.Replace("{0}", seen[..half], StringComparison.Ordinal).Replace("{1}", seen[half..], StringComparison.Ordinal));
            var all = Encoding.UTF8.GetBytes(shape == "openai" ? OpenAIStream(pieces) : AnthropicStream(pieces));
            ctx.Response.ContentType = "text/event-stream";
            // Cut every write inside the 4-byte UTF-8 sequence of an emoji.
            var cuts = new List<int> { 0 };
            for (var i = 0; i + 3 < all.Length; i++)
            {
                if (all[i] == 0xF0)
                {
                    cuts.Add(i + 2);
                }
            }

            cuts.Add(all.Length);
            for (var i = 0; i + 1 < cuts.Count; i++)
            {
                await ctx.Response.Body.WriteAsync(all.AsMemory(cuts[i], cuts[i + 1] - cuts[i]));
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
            new StringContent(StreamEndingTests.RequestBody(shape), Encoding.UTF8, "application/json"));
        var answer = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(scrub, provider.Requests.Single().Body.Contains("<EMAIL_ADDRESS_", StringComparison.Ordinal));

        Assert.Equal(Expected, Sse.Arguments(Sse.Parse(answer, dispatchUnterminated: false), shape));
        Assert.DoesNotContain("\uFFFD", answer, StringComparison.Ordinal);
    }

    private static string OpenAIStream(IEnumerable<string> pieces)
    {
        const string Head = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":";
        var sb = new StringBuilder();
        sb.Append(Head).Append("{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"send_mail\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n");
        foreach (var p in pieces)
        {
            sb.Append(Head).Append("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"").Append(p).Append("\"}}]},\"finish_reason\":null}]}\n\n");
        }

        sb.Append(Head).Append("{},\"finish_reason\":\"tool_calls\"}]}\n\n");
        sb.Append("data: [DONE]\n\n");
        return sb.ToString();
    }

    private static string AnthropicStream(IEnumerable<string> pieces)
    {
        var sb = new StringBuilder();
        sb.Append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n");
        sb.Append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"send_mail\",\"input\":{}}}\n\n");
        foreach (var p in pieces)
        {
            sb.Append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"").Append(p).Append("\"}}\n\n");
        }

        sb.Append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        sb.Append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":9}}\n\n");
        sb.Append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        return sb.ToString();
    }
}
