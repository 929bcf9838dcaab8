using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// A provider that closes its stream before the end marker (<c>[DONE]</c>, <c>message_stop</c>) and before any finish
/// reason: on the paths that rebuild the stream (translation, restoring) the caller gets what came and then an error
/// event, never the end marker of a whole answer. A stream with a finish reason but no end marker is whole.
/// </summary>
public sealed class StreamTruncationTests
{
    private const string OpenAICut =
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Half an \"},\"finish_reason\":null}]}\n\n" +
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"answer\"},\"finish_reason\":null}]}\n\n";

    private const string OpenAIFinishedNoDone = OpenAICut +
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";

    private const string AnthropicCut =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":0}}}\n\n" +
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Half an answer\"}}\n\n";

    private static async Task<string> StreamAsync(string dialect, string upstream, string path, bool scrub)
    {
        await using var provider = await FakeProvider.StartAsync(dialect);
        provider.Respond = async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync(upstream);
        };
        var settings = dialect == "openai" ? ProxySettings.For(openai: provider) : ProxySettings.For(anthropic: provider);
        if (scrub)
        {
            settings[$"Warden:Providers:{dialect}:RequireScrub"] = "true";
        }

        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var model = dialect == "openai" ? "gpt-4o-mini" : "claude-sonnet-4-5";
        var body = $$"""{"model":"{{model}}","max_tokens":20,"stream":true,"messages":[{"role":"user","content":"Write to jane.doe@example.com"}]}""";
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Theory]
    [InlineData("openai", "v1/messages", false)]
    [InlineData("openai", "v1/chat/completions", true)]
    [InlineData("anthropic", "v1/chat/completions", false)]
    [InlineData("anthropic", "api/proxy", true)]
    public async Task ProviderClosesBeforeEnd_CallerGetsTextThenErrorEvent_NoEndMarker(string dialect, string path, bool scrub)
    {
        var text = await StreamAsync(dialect, dialect == "openai" ? OpenAICut : AnthropicCut, path, scrub);
        Assert.Contains("answer", text, StringComparison.Ordinal);
        Assert.Contains("ended before the answer was complete", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("message_stop", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1/messages", false, "message_stop")]
    [InlineData("v1/chat/completions", true, "[DONE]")]
    public async Task ProviderFinishedWithoutDone_IsAWholeAnswer(string path, bool scrub, string endMarker)
    {
        var text = await StreamAsync("openai", OpenAIFinishedNoDone, path, scrub);
        Assert.Contains(endMarker, text, StringComparison.Ordinal);
        Assert.DoesNotContain("error", text, StringComparison.Ordinal);
    }
}
