using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// An original holding a quote, a backslash and a tab, restored into tool-call arguments (JSON text inside a JSON
/// string): the caller's arguments still parse and decode to the original, streamed (surrogate split across deltas)
/// and not.
/// </summary>
public sealed partial class ToolArgumentRestoreTests
{
    private const string Original = "Server=.\\SQL \"prod\"\tline2";

    [GeneratedRegex("<DENY_LIST_[0-9]+>")]
    private static partial Regex Surrogate();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ToolArguments_OriginalWithJsonSpecialCharacters_RestoredAsValidJson(bool stream)
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        openai.Respond = async (ctx, r) =>
        {
            var surrogate = Surrogate().Match(r.Body).Value;
            var arguments = "{\"conn\":\"" + surrogate + "\"}";
            if (!stream)
            {
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync(new JsonObject
                {
                    ["id"] = "c",
                    ["object"] = "chat.completion",
                    ["choices"] = new JsonArray(new JsonObject
                    {
                        ["index"] = 0,
                        ["message"] = JsonNode.Parse($$$"""{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"connect","arguments":{{{JsonSerializer.Serialize(arguments)}}}}}]}"""),
                        ["finish_reason"] = "tool_calls",
                    }),
                }.ToJsonString());
                return;
            }

            ctx.Response.ContentType = "text/event-stream";
            var cut = arguments.IndexOf('<', StringComparison.Ordinal) + 4; // the surrogate split across two deltas
            foreach (var part in new[] { arguments[..cut], arguments[cut..] })
            {
                await ctx.Response.WriteAsync("data: " + $$$"""{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"connect","arguments":{{{JsonSerializer.Serialize(part)}}}}}]},"finish_reason":null}]}""" + "\n\n");
            }

            await ctx.Response.WriteAsync("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n");
        };
        var settings = ProxySettings.For(openai);
        settings["Warden:Providers:openai:RequireScrub"] = "true";
        settings["Warden:Detection:DenyList:0"] = Original;
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        var body = new JsonObject
        {
            ["model"] = "gpt-4o-mini",
            ["stream"] = stream,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Connect with " + Original }),
            ["tools"] = JsonNode.Parse("""[{"type":"function","function":{"name":"connect","parameters":{"type":"object","properties":{"conn":{"type":"string"}}}}}]"""),
        };
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("prod", openai.Requests.Single().Body, StringComparison.Ordinal);

        string arguments;
        var text = await response.Content.ReadAsStringAsync();
        if (!stream)
        {
            arguments = (string)JsonNode.Parse(text)!["choices"]![0]!["message"]!["tool_calls"]![0]!["function"]!["arguments"]!;
        }
        else
        {
            var sb = new StringBuilder();
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("data: {", StringComparison.Ordinal)
                    && JsonNode.Parse(line[6..])!["choices"]?[0]?["delta"]?["tool_calls"]?[0]?["function"]?["arguments"] is JsonValue part)
                {
                    sb.Append((string)part!);
                }
            }

            arguments = sb.ToString();
        }

        Assert.Equal(Original, (string?)JsonNode.Parse(arguments)!["conn"]);
    }
}
