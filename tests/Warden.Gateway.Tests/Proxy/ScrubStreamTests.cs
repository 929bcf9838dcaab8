using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// Scrubbed streaming in the caller's own dialect: chunks with nothing to restore pass as sent, the others are restored,
/// including surrogates split across events and across TCP writes, JSON-escaped surrogates and a last chunk that
/// carries text and finish_reason. The expected bytes are what the DOM-only stream path produced for the same input.
/// </summary>
public sealed class ScrubStreamTests
{
    private const string Email = "jane.doe@example.com";
    private const string Card = "4111 1111 1111 1111";

    private static string Event(string delta, string finish = "null") =>
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" + delta +
        ",\"finish_reason\":" + finish + "}]}\n\n";

    private static string Content(string text) => "{\"content\":\"" + text + "\"}";

    // Upstream events; the surrogates are the first email and the first card of the request.
    private static readonly string[] Upstream =
    [
        Event("{\"role\":\"assistant\",\"content\":\"Hi \"}"),
        Event(Content("I wrote to <EMA")),
        Event(Content("IL_ADDRESS_1> and ")),
        Event(Content("nothing to restore, caf\\u00e9 \\\\u003c ")),
        Event(Content("charged \\u003cCREDIT_CARD_1\\u003e")),
        Event(Content(" ok, <CREDIT")),
        Event(Content("_CARD_1")),
        Event(Content("> again")),
        Event(Content(" still plain")),
        Event(Content("the end <")),
        Event(Content(".<b>"), "\"stop\""),
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6,\"total_tokens\":11}}\n\n",
        "data: [DONE]\n\n",
    ];

    private static readonly string Expected = string.Concat(
        Event("{\"role\":\"assistant\",\"content\":\"Hi \"}"),
        Event(Content("I wrote to ")),
        Event(Content(Email + " and ")),
        Event(Content("nothing to restore, café \\\\u003c ")),
        Event(Content("charged " + Card)),
        Event(Content(" ok, ")),
        Event(Content("")),
        Event(Content(Card + " again")),
        Event(Content(" still plain")),
        Event(Content("the end ")),
        Event(Content("<.<b>")),
        Event("{}", "\"stop\""),
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6,\"total_tokens\":11}}\n\n",
        "data: [DONE]\n\n");

    [Fact]
    public async Task RequireScrub_StreamSplitSurrogates_RestoredAndOtherChunksUnchanged()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/event-stream";
            var all = Encoding.UTF8.GetBytes(string.Concat(Upstream));
            // Cut the byte stream at odd places: inside events, inside a surrogate, two events in one write.
            var cuts = new[] { 0, 7, 180, 181, 400, 401, 650, 900, all.Length };
            for (var i = 0; i + 1 < cuts.Length; i++)
            {
                await ctx.Response.Body.WriteAsync(all.AsMemory(cuts[i], Math.Min(cuts[i + 1], all.Length) - cuts[i]));
                await ctx.Response.Body.FlushAsync();
            }
        };

        var settings = ProxySettings.For(openai);
        settings["Warden:Providers:openai:RequireScrub"] = "true";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = new JsonObject
        {
            ["model"] = "gpt-4o-mini",
            ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"Please mail {Email}; my card is {Card}." }),
        }.ToJsonString();
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Expected, await response.Content.ReadAsStringAsync());

        var sent = openai.Requests.Single().Body;
        Assert.DoesNotContain(Email, sent, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, sent, StringComparison.Ordinal);
        Assert.Contains("<EMAIL_ADDRESS_1>", sent, StringComparison.Ordinal);
        Assert.Contains("<CREDIT_CARD_1>", sent, StringComparison.Ordinal);
        Assert.Equal(true, (bool?)JsonNode.Parse(sent)!["stream_options"]!["include_usage"]);
    }
}
