using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Warden.Gateway.Tests.Infrastructure;

/// <summary>One request as the fake provider received it.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
}

/// <summary>
/// A fake LLM provider: real Kestrel on 127.0.0.1 port 0 that records every request (headers and
/// body) and answers with <see cref="Respond"/> (default: a well-formed OpenAI or Anthropic answer).
/// </summary>
public sealed class FakeProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeProvider(WebApplication app, string dialect)
    {
        _app = app;
        Dialect = dialect;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = address.TrimEnd('/');
    }

    /// <summary>"openai" or "anthropic".</summary>
    public string Dialect { get; }

    public string BaseUrl { get; }

    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    /// <summary>Text the default responder answers with.</summary>
    public string AnswerText { get; set; } = "Hello from the fake provider";

    /// <summary>Override the response (after the request is recorded).</summary>
    public Func<HttpContext, RecordedRequest, Task>? Respond { get; set; }

    /// <summary>Completed when a request's connection was aborted by the other side.</summary>
    public TaskCompletionSource ClientAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakeProvider> StartAsync(string dialect)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeProvider? self = null;
        app.Run(async ctx =>
        {
            ctx.RequestAborted.Register(() => self!.ClientAborted.TrySetResult());
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var recorded = new RecordedRequest(ctx.Request.Method, ctx.Request.Path, ctx.Request.QueryString.Value ?? "", headers, body);
            self!._requests.Enqueue(recorded);
            if (self.Respond is not null)
            {
                await self.Respond(ctx, recorded);
                return;
            }

            await (self.Dialect == "anthropic" ? AnthropicAnswer(ctx, recorded, self.AnswerText) : OpenAIAnswer(ctx, recorded, self.AnswerText));
        });
        await app.StartAsync();
        self = new FakeProvider(app, dialect);
        return self;
    }

    /// <summary>The text of the last user message in an OpenAI or Anthropic request.</summary>
    public static string LastUserText(JsonObject body)
    {
        var last = "";
        foreach (var m in body["messages"]!.AsArray())
        {
            if ((string?)m!["role"] != "user")
            {
                continue;
            }

            var c = m["content"];
            if (c is JsonArray parts)
            {
                var sb = new StringBuilder();
                foreach (var p in parts)
                {
                    if ((string?)p!["type"] == "text")
                    {
                        sb.Append((string?)p["text"]);
                    }
                    else if ((string?)p["type"] == "tool_result")
                    {
                        sb.Append("tool_result:" + p["content"]);
                    }
                }

                last = sb.ToString();
            }
            else
            {
                last = (string?)c ?? "";
            }
        }

        return last;
    }

    private static bool WantsTool(JsonObject body, string dialect)
    {
        if (body["tools"] is not JsonArray { Count: > 0 })
        {
            return false;
        }

        foreach (var m in body["messages"]!.AsArray())
        {
            if ((string?)m!["role"] == "tool")
            {
                return false;
            }

            if (dialect == "anthropic" && m["content"] is JsonArray parts && parts.Any(p => (string?)p!["type"] == "tool_result"))
            {
                return false;
            }
        }

        return true;
    }

    public static async Task OpenAIAnswer(HttpContext ctx, RecordedRequest r, string text)
    {
        var body = r.Json;
        if (r.Path.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            await ctx.Response.WriteAsJsonAsync(JsonNode.Parse("""{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":3,"total_tokens":3}}"""));
            return;
        }

        var tool = WantsTool(body, "openai");
        var stream = (bool?)body["stream"] == true;
        var answer = text + " | " + LastUserText(body);
        if (!stream)
        {
            var message = tool
                ? JsonNode.Parse("""{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}""")
                : new JsonObject { ["role"] = "assistant", ["content"] = answer };
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(new JsonObject
            {
                ["id"] = "chatcmpl-fake",
                ["object"] = "chat.completion",
                ["created"] = 1700000000,
                ["model"] = (string?)body["model"],
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = tool ? "tool_calls" : "stop" }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 11, ["completion_tokens"] = 7, ["total_tokens"] = 18 },
            }.ToJsonString());
            return;
        }

        ctx.Response.ContentType = "text/event-stream";
        string Chunk(string delta, string? finish = null) =>
            $"data: {{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"{(string?)body["model"]}\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":{(finish is null ? "null" : "\"" + finish + "\"")}}}]}}\n\n";
        await ctx.Response.WriteAsync(Chunk("{\"role\":\"assistant\",\"content\":\"\"}"));
        if (tool)
        {
            await ctx.Response.WriteAsync(Chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}"));
            await ctx.Response.WriteAsync(Chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}"));
            await ctx.Response.WriteAsync(Chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}"));
            await ctx.Response.WriteAsync(Chunk("{}", "tool_calls"));
        }
        else
        {
            foreach (var word in answer.Split(' '))
            {
                await ctx.Response.WriteAsync(Chunk(new JsonObject { ["content"] = word + " " }.ToJsonString()));
                await ctx.Response.Body.FlushAsync();
            }

            await ctx.Response.WriteAsync(Chunk("{}", "stop"));
        }

        if ((bool?)body["stream_options"]?["include_usage"] == true)
        {
            await ctx.Response.WriteAsync("data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18}}\n\n");
        }

        await ctx.Response.WriteAsync("data: [DONE]\n\n");
    }

    public static async Task AnthropicAnswer(HttpContext ctx, RecordedRequest r, string text)
    {
        var body = r.Json;
        var tool = WantsTool(body, "anthropic");
        var stream = (bool?)body["stream"] == true;
        var answer = text + " | " + LastUserText(body);
        if (!stream)
        {
            var content = tool
                ? JsonNode.Parse("""[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]""")
                : new JsonArray(new JsonObject { ["type"] = "text", ["text"] = answer });
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(new JsonObject
            {
                ["id"] = "msg_fake",
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = (string?)body["model"],
                ["content"] = content,
                ["stop_reason"] = tool ? "tool_use" : "end_turn",
                ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = 13, ["output_tokens"] = 5 },
            }.ToJsonString());
            return;
        }

        ctx.Response.ContentType = "text/event-stream";
        async Task Event(string type, JsonNode data)
        {
            await ctx.Response.WriteAsync($"event: {type}\ndata: {data.ToJsonString()}\n\n");
            await ctx.Response.Body.FlushAsync();
        }

        await Event("message_start", JsonNode.Parse($$$$"""{"type":"message_start","message":{"id":"msg_fake","type":"message","role":"assistant","model":"{{{{(string?)body["model"]}}}}","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":13,"output_tokens":1}}}""")!);
        await Event("ping", JsonNode.Parse("""{"type":"ping"}""")!);
        if (tool)
        {
            await Event("content_block_start", JsonNode.Parse("""{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}""")!);
            await Event("content_block_delta", JsonNode.Parse("""{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}}""")!);
            await Event("content_block_delta", JsonNode.Parse("""{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}""")!);
            await Event("content_block_stop", JsonNode.Parse("""{"type":"content_block_stop","index":0}""")!);
        }
        else
        {
            await Event("content_block_start", JsonNode.Parse("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")!);
            foreach (var word in answer.Split(' '))
            {
                await Event("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = word + " " } });
            }

            await Event("content_block_stop", JsonNode.Parse("""{"type":"content_block_stop","index":0}""")!);
        }

        await Event("message_delta", JsonNode.Parse($$$"""{"type":"message_delta","delta":{"stop_reason":"{{{(tool ? "tool_use" : "end_turn")}}}","stop_sequence":null},"usage":{"output_tokens":5}}""")!);
        await Event("message_stop", JsonNode.Parse("""{"type":"message_stop"}""")!);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
