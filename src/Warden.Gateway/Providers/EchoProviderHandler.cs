using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Warden.Gateway.Providers;

/// <summary>
/// The offline <c>echo</c> provider (<c>warden serve --demo</c>): an in-process OpenAI-compatible
/// endpoint that answers deterministically from what it received. The answer is
/// <c>echo: &lt;last user text&gt;</c>; with tools it first calls the first tool with
/// <c>{"input": &lt;last user text&gt;}</c>, and answers <c>echo: tool said &lt;result&gt;</c> after a tool
/// result. Tokens are counted as whitespace-separated words.
/// </summary>
internal sealed class EchoProviderHandler : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var payload = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            return Answer(request, JsonNode.Parse(payload) as JsonObject ?? throw new JsonException("not an object"));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // What a real provider does with a body it cannot read: 400 in its own error shape (Warden relays it).
            return new HttpResponseMessage(HttpStatusCode.BadRequest)
            {
                Content = new StringContent(
                    """{"error":{"message":"echo: the request body is not a valid chat request (a message or field has the wrong JSON type)","type":"invalid_request_error","param":null,"code":null}}""",
                    Encoding.UTF8, "application/json"),
            };
        }
    }

    private static HttpResponseMessage Answer(HttpRequestMessage request, JsonObject body)
    {
        if (request.RequestUri!.AbsolutePath.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            return Json(Embeddings(body));
        }

        var model = (string?)body["model"] ?? "echo";
        var messages = body["messages"] as JsonArray ?? [];
        var promptTokens = 0;
        string lastUser = "";
        JsonObject? last = null;
        foreach (var m in messages)
        {
            var text = TextOf(m?["content"]);
            promptTokens += CountWords(text);
            last = m as JsonObject;
            if ((string?)m?["role"] == "user")
            {
                lastUser = text;
            }
        }

        var tools = body["tools"] as JsonArray;
        JsonObject? toolCall = null;
        string answer;
        if ((string?)last?["role"] == "tool")
        {
            answer = "echo: tool said " + TextOf(last!["content"]);
        }
        else if (tools is { Count: > 0 } && (string?)body["tool_choice"] != "none")
        {
            var name = (string?)tools[0]?["function"]?["name"] ?? "tool";
            toolCall = new JsonObject
            {
                ["id"] = "call_echo_" + ShortHash(lastUser),
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = name, ["arguments"] = new JsonObject { ["input"] = lastUser }.ToJsonString() },
            };
            answer = "";
        }
        else
        {
            answer = "echo: " + lastUser;
        }

        var completionTokens = toolCall is null ? CountWords(answer) : 1;
        var id = "chatcmpl-echo-" + ShortHash(body.ToJsonString());
        var finish = toolCall is null ? "stop" : "tool_calls";
        if ((bool?)body["stream"] == true)
        {
            return Sse(StreamChunks(id, model, answer, toolCall, finish, promptTokens, completionTokens));
        }

        var message = new JsonObject { ["role"] = "assistant", ["content"] = toolCall is null ? answer : null };
        if (toolCall is not null)
        {
            message["tool_calls"] = new JsonArray(toolCall);
        }

        return Json(new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = 0,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish }),
            ["usage"] = Usage(promptTokens, completionTokens),
        });
    }

    private static IEnumerable<JsonObject> StreamChunks(string id, string model, string answer, JsonObject? toolCall, string finish, int prompt, int completion)
    {
        JsonObject Chunk(JsonObject delta, string? finishReason) => new()
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = 0,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
        };

        yield return Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null);
        if (toolCall is not null)
        {
            var tc = (JsonObject)toolCall.DeepClone();
            tc["index"] = 0;
            yield return Chunk(new JsonObject { ["tool_calls"] = new JsonArray(tc) }, null);
        }
        else
        {
            var words = answer.Split(' ');
            for (var i = 0; i < words.Length; i++)
            {
                yield return Chunk(new JsonObject { ["content"] = i == 0 ? words[i] : " " + words[i] }, null);
            }
        }

        yield return Chunk([], finish);
        yield return new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = 0,
            ["model"] = model,
            ["choices"] = new JsonArray(),
            ["usage"] = Usage(prompt, completion),
        };
    }

    private static JsonObject Embeddings(JsonObject body)
    {
        var inputs = body["input"] is JsonArray a ? a.Select(x => x?.ToString() ?? "").ToList() : [body["input"]?.ToString() ?? ""];
        var data = new JsonArray();
        var tokens = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            tokens += CountWords(inputs[i]);
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(inputs[i]));
            var vector = new JsonArray();
            for (var j = 0; j < 8; j++)
            {
                vector.Add((hash[j] - 128) / 128.0);
            }

            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = vector });
        }

        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = (string?)body["model"] ?? "echo",
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
    }

    private static JsonObject Usage(int prompt, int completion) => new()
    {
        ["prompt_tokens"] = prompt,
        ["completion_tokens"] = completion,
        ["total_tokens"] = prompt + completion,
    };

    private static string TextOf(JsonNode? content)
    {
        if (content is JsonArray parts)
        {
            var sb = new StringBuilder();
            foreach (var p in parts)
            {
                if (p?["text"] is JsonNode t)
                {
                    sb.Append((string?)t);
                }
            }

            return sb.ToString();
        }

        return content is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
    }

    private static int CountWords(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static string ShortHash(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..12];

    private static HttpResponseMessage Json(JsonObject body) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
    };

    private static HttpResponseMessage Sse(IEnumerable<JsonObject> chunks)
    {
        var sb = new StringBuilder();
        foreach (var c in chunks)
        {
            sb.Append("data: ").Append(c.ToJsonString()).Append("\n\n");
        }

        sb.Append("data: [DONE]\n\n");
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(sb.ToString(), Encoding.UTF8, "text/event-stream"),
        };
    }
}
