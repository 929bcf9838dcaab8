using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// Unscrubbed same-dialect streaming forwards the provider's bytes exactly as received, whatever the event's shape (CRLF
/// line ends, multi-line data, named events, comments, <c>data:</c> without a space, an event cut across TCP writes): the
/// fast <c>data: DATA\n\n</c> path and the line parser both hand back the event's own bytes.
/// </summary>
public sealed class StreamPassThroughTests
{
    private static string Chunk(string text) =>
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}";

    private const string Usage = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6,\"total_tokens\":11}}";

    private static readonly string Upstream = string.Concat(
        "data: " + Chunk("plain") + "\n\n",
        "data: " + Chunk("crlf") + "\r\n\r\n",
        ": a comment line\n",
        "data: " + Chunk("after comment") + "\n\n",
        "data:" + Chunk("no space") + "\n\n",
        "data:  " + Chunk("two spaces") + "\n\n",
        "event: custom\ndata: " + Chunk("named") + "\n\n",
        "data: {\"multi\":\n" + "data: \"line\"}\n\n",
        "data: " + Chunk("cut across writes, caf\u00e9 \\u00e9") + "\n\n",
        "data: \n\n",
        "data: " + Chunk("a\rb") + "\n\n",
        "data: " + Usage + "\n\n",
        "data: [DONE]\n\n");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stream_EventShapes_CallerGetsTheProviderBytes(bool oneWrite)
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/event-stream";
            var all = Encoding.UTF8.GetBytes(Upstream);
            var at = Encoding.UTF8.GetBytes(Upstream[..Upstream.IndexOf("cut across", StringComparison.Ordinal)]).Length;
            var cuts = oneWrite ? new[] { 0, all.Length } : new[] { 0, 3, 150, at, at + 9, all.Length - 4, all.Length };
            for (var i = 0; i + 1 < cuts.Length; i++)
            {
                await ctx.Response.Body.WriteAsync(all.AsMemory(cuts[i], cuts[i + 1] - cuts[i]));
                await ctx.Response.Body.FlushAsync();
            }
        };

        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = new JsonObject
        {
            ["model"] = "gpt-4o-mini",
            ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }),
        }.ToJsonString();
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Upstream, await response.Content.ReadAsStringAsync());
    }
}
