using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Warden.Gateway.Translation;

/// <summary>Translates non-streamed chat responses between OpenAI and Anthropic shapes.</summary>
internal static class ResponseTranslator
{
    /// <summary>Anthropic message → OpenAI chat.completion.</summary>
    public static JsonObject AnthropicToOpenAI(JsonObject a, long created)
    {
        var text = new StringBuilder();
        var toolCalls = new JsonArray();
        foreach (var b in a["content"] as JsonArray ?? [])
        {
            switch ((string?)b?["type"])
            {
                case "text":
                    text.Append((string?)b!["text"]);
                    break;
                case "tool_use":
                    toolCalls.Add(new JsonObject
                    {
                        ["id"] = (string?)b!["id"],
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = (string?)b["name"], ["arguments"] = b["input"]?.ToJsonString(RequestTranslator.RelaxedJson) ?? "{}" },
                    });
                    break;
            }
        }

        var message = new JsonObject { ["role"] = "assistant", ["content"] = text.Length == 0 && toolCalls.Count > 0 ? null : text.ToString() };
        if (toolCalls.Count > 0)
        {
            message["tool_calls"] = toolCalls;
        }

        var input = (int?)a["usage"]?["input_tokens"] ?? 0;
        var output = (int?)a["usage"]?["output_tokens"] ?? 0;
        return new JsonObject
        {
            ["id"] = (string?)a["id"] ?? "msg",
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = (string?)a["model"],
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["finish_reason"] = FinishReason((string?)a["stop_reason"]),
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = input, ["completion_tokens"] = output, ["total_tokens"] = input + output },
        };
    }

    /// <summary>OpenAI chat.completion → Anthropic message.</summary>
    public static JsonObject OpenAIToAnthropic(JsonObject o)
    {
        var choice = (o["choices"] as JsonArray)?.FirstOrDefault() as JsonObject;
        var message = choice?["message"];
        var content = new JsonArray();
        var text = RequestTranslator.ContentText(message?["content"]);
        if (text.Length > 0)
        {
            content.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        }

        foreach (var c in message?["tool_calls"] as JsonArray ?? [])
        {
            JsonNode input;
            try
            {
                input = JsonNode.Parse((string?)c?["function"]?["arguments"] ?? "{}") ?? new JsonObject();
            }
            catch (JsonException)
            {
                input = new JsonObject();
            }

            content.Add(new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = (string?)c?["id"],
                ["name"] = (string?)c?["function"]?["name"],
                ["input"] = input,
            });
        }

        return new JsonObject
        {
            ["id"] = (string?)o["id"] ?? "msg",
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = (string?)o["model"],
            ["content"] = content,
            ["stop_reason"] = StopReason((string?)choice?["finish_reason"]),
            ["stop_sequence"] = null,
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = (int?)o["usage"]?["prompt_tokens"] ?? 0,
                ["output_tokens"] = (int?)o["usage"]?["completion_tokens"] ?? 0,
            },
        };
    }

    public static string FinishReason(string? stopReason) => stopReason switch
    {
        "max_tokens" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => "stop",
    };

    public static string StopReason(string? finishReason) => finishReason switch
    {
        "length" => "max_tokens",
        "tool_calls" or "function_call" => "tool_use",
        "content_filter" => "refusal",
        _ => "end_turn",
    };
}
