using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Translation;

/// <summary>
/// Translates chat requests between OpenAI Chat Completions and Anthropic Messages: system prompt,
/// text and image content, tool definitions, tool choice, tool calls and tool results, stop
/// sequences and sampling parameters. Fields with no counterpart are dropped. This file: Anthropic → OpenAI and the
/// helpers both directions share; <c>RequestTranslator.ToAnthropic.cs</c>: OpenAI → Anthropic.
/// </summary>
internal static partial class RequestTranslator
{
    /// <summary>
    /// Anthropic Messages request → OpenAI chat request. A field of the wrong type (a number where text belongs) is the
    /// caller's error: 400, nothing forwarded.
    /// </summary>
    public static JsonObject AnthropicToOpenAI(JsonObject a)
    {
        try
        {
            return AnthropicToOpenAICore(a);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw WrongType(ex);
        }
    }

    private static JsonObject AnthropicToOpenAICore(JsonObject a)
    {
        var messages = new JsonArray();
        var system = a["system"];
        if (system is not null)
        {
            var text = system is JsonArray blocks ? JoinText(blocks) : (string?)system;
            if (!string.IsNullOrEmpty(text))
            {
                messages.Add(new JsonObject { ["role"] = "system", ["content"] = text });
            }
        }

        foreach (var node in a["messages"] as JsonArray ?? throw Invalid("messages must be an array"))
        {
            var m = node as JsonObject ?? throw Invalid("each message must be an object");
            var role = (string?)m["role"] ?? throw Invalid("message role is required");
            var content = m["content"];
            if (content is JsonValue)
            {
                messages.Add(new JsonObject { ["role"] = role, ["content"] = (string?)content });
                continue;
            }

            var blocks = content as JsonArray ?? throw Invalid("message content must be a string or an array");
            if (role == "assistant")
            {
                var text = new StringBuilder();
                var toolCalls = new JsonArray();
                foreach (var b in blocks)
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
                                ["function"] = new JsonObject
                                {
                                    ["name"] = (string?)b["name"],
                                    ["arguments"] = b["input"]?.ToJsonString(RelaxedJson) ?? "{}",
                                },
                            });
                            break;
                    }
                }

                var msg = new JsonObject { ["role"] = "assistant", ["content"] = text.Length > 0 ? text.ToString() : null };
                if (toolCalls.Count > 0)
                {
                    msg["tool_calls"] = toolCalls;
                }

                messages.Add(msg);
                continue;
            }

            var parts = new JsonArray();
            foreach (var b in blocks)
            {
                switch ((string?)b?["type"])
                {
                    case "tool_result":
                        var resultContent = b!["content"];
                        messages.Add(new JsonObject
                        {
                            ["role"] = "tool",
                            ["tool_call_id"] = (string?)b["tool_use_id"],
                            ["content"] = resultContent is JsonArray rc ? JoinText(rc) : (string?)resultContent ?? "",
                        });
                        break;
                    case "text":
                        parts.Add(new JsonObject { ["type"] = "text", ["text"] = (string?)b!["text"] });
                        break;
                    case "image":
                        var src = b!["source"];
                        var url = (string?)src?["type"] == "base64"
                            ? $"data:{(string?)src!["media_type"]};base64,{(string?)src["data"]}"
                            : (string?)src?["url"];
                        if (url is not null)
                        {
                            parts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } });
                        }

                        break;
                    case "document":
                        parts.Add(DocumentToOpenAI(b!.AsObject()));
                        break;
                    case var other:
                        // Dropping it would send the rest of the message without what the user attached.
                        throw Invalid($"a '{Truncate(other)}' content block has no OpenAI counterpart; send it to an Anthropic-format provider");
                }
            }

            if (parts.Count > 0)
            {
                messages.Add(new JsonObject { ["role"] = role, ["content"] = parts.Count == 1 && (string?)parts[0]!["type"] == "text" ? (string?)parts[0]!["text"] : parts });
            }
        }

        var o = new JsonObject { ["model"] = (string?)a["model"], ["messages"] = messages };
        Copy(a, "max_tokens", o, "max_tokens");
        Copy(a, "temperature", o, "temperature");
        Copy(a, "top_p", o, "top_p");
        Copy(a, "stop_sequences", o, "stop");
        if (a["metadata"] is JsonObject metadata && metadata.TryGetPropertyValue("user_id", out var userId))
        {
            o["user"] = userId?.DeepClone(); // the end user's id: stripped, hashed or passed per target afterwards
        }

        if ((bool?)a["stream"] == true)
        {
            o["stream"] = true;
            o["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        if (a["tools"] is JsonArray tools)
        {
            var ot = new JsonArray();
            foreach (var t in tools)
            {
                ot.Add(new JsonObject
                {
                    ["type"] = "function",
                    ["function"] = new JsonObject
                    {
                        ["name"] = (string?)t?["name"],
                        ["description"] = (string?)t?["description"],
                        ["parameters"] = t?["input_schema"]?.DeepClone() ?? new JsonObject { ["type"] = "object" },
                    },
                });
            }

            o["tools"] = ot;
        }

        if (a["tool_choice"] is JsonObject tc)
        {
            o["tool_choice"] = (string?)tc["type"] switch
            {
                "any" => "required",
                "none" => "none",
                "tool" => new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = (string?)tc["name"] } },
                _ => "auto",
            };
        }

        return o;
    }

    internal static string ContentText(JsonNode? content) => content switch
    {
        null => "",
        JsonArray parts => JoinText(parts),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => "",
    };

    private static string JoinText(JsonArray blocks)
    {
        var sb = new StringBuilder();
        foreach (var b in blocks)
        {
            if (b?["text"] is JsonNode t)
            {
                sb.Append((string?)t);
            }
        }

        return sb.ToString();
    }

    private static void Copy(JsonObject from, string name, JsonObject to, string target)
    {
        if (from[name] is JsonNode n)
        {
            to[target] = n.DeepClone();
        }
    }

    /// <summary>
    /// Escapes only what JSON requires: a tool's input re-serialised as <c>arguments</c> text keeps non-ASCII letters, '+'
    /// and '&lt;' as they are, so detection sees <c>José</c> and a phone's '+' (not <c>\u00E9</c>) and a restore sees the
    /// <c>&lt;TYPE_n&gt;</c> surrogates.
    /// </summary>
    internal static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static WardenHttpException Invalid(string message) => new(400, "invalid_request", message);

    // JsonNode's typed reads throw InvalidOperationException for a value of another JSON type and FormatException for a
    // number out of range; neither message names caller data, but only the fixed text below reaches the caller.
    private static WardenHttpException WrongType(Exception ex) =>
        new(400, "invalid_request", "a field of the request has the wrong JSON type (" + (ex is FormatException ? "a number out of range" : "for example a number where text belongs") + ")");
}
