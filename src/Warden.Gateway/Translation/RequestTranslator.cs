using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Translation;

/// <summary>
/// Translates chat requests between OpenAI Chat Completions and Anthropic Messages: system prompt,
/// text and image content, tool definitions, tool choice, tool calls and tool results, stop
/// sequences and sampling parameters. Fields with no counterpart are dropped.
/// </summary>
internal static class RequestTranslator
{
    /// <summary>Anthropic Messages request → OpenAI chat request.</summary>
    public static JsonObject AnthropicToOpenAI(JsonObject a)
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

    /// <summary>OpenAI chat request → Anthropic Messages request.</summary>
    public static JsonObject OpenAIToAnthropic(JsonObject o, int defaultMaxTokens)
    {
        var system = new StringBuilder();
        var messages = new JsonArray();
        foreach (var node in o["messages"] as JsonArray ?? throw Invalid("messages must be an array"))
        {
            var m = node as JsonObject ?? throw Invalid("each message must be an object");
            var role = (string?)m["role"] ?? throw Invalid("message role is required");
            switch (role)
            {
                case "system":
                case "developer":
                    if (system.Length > 0)
                    {
                        system.Append("\n\n");
                    }

                    system.Append(ContentText(m["content"]));
                    break;
                case "tool":
                    AppendBlock(messages, "user", new JsonObject
                    {
                        ["type"] = "tool_result",
                        ["tool_use_id"] = (string?)m["tool_call_id"],
                        ["content"] = ContentText(m["content"]),
                    });
                    break;
                case "assistant":
                    var text = ContentText(m["content"]);
                    if (text.Length > 0)
                    {
                        AppendBlock(messages, "assistant", new JsonObject { ["type"] = "text", ["text"] = text });
                    }

                    if (m["tool_calls"] is JsonArray calls)
                    {
                        foreach (var c in calls)
                        {
                            AppendBlock(messages, "assistant", new JsonObject
                            {
                                ["type"] = "tool_use",
                                ["id"] = (string?)c?["id"],
                                ["name"] = (string?)c?["function"]?["name"],
                                ["input"] = ParseArguments((string?)c?["function"]?["arguments"]),
                            });
                        }
                    }

                    break;
                default:
                    foreach (var block in UserBlocks(m["content"]))
                    {
                        AppendBlock(messages, "user", block);
                    }

                    break;
            }
        }

        var a = new JsonObject { ["model"] = (string?)o["model"] };
        if (system.Length > 0)
        {
            a["system"] = system.ToString();
        }

        a["messages"] = messages;
        a["max_tokens"] = (int?)o["max_completion_tokens"] ?? (int?)o["max_tokens"] ?? defaultMaxTokens;
        Copy(o, "temperature", a, "temperature");
        Copy(o, "top_p", a, "top_p");
        if (o["stop"] is JsonValue stop)
        {
            a["stop_sequences"] = new JsonArray((string?)stop);
        }
        else
        {
            Copy(o, "stop", a, "stop_sequences");
        }

        if ((bool?)o["stream"] == true)
        {
            a["stream"] = true;
        }

        // The end user's id (already stripped, hashed or passed for this target): Anthropic's only metadata field.
        var endUser = o["safety_identifier"] ?? o["user"] ?? o["metadata"]?["user_id"];
        if (endUser is JsonValue)
        {
            a["metadata"] = new JsonObject { ["user_id"] = endUser.DeepClone() };
        }

        if (o["tools"] is JsonArray tools)
        {
            var at = new JsonArray();
            foreach (var t in tools)
            {
                var f = t?["function"];
                var tool = new JsonObject
                {
                    ["name"] = (string?)f?["name"],
                    ["input_schema"] = f?["parameters"]?.DeepClone() ?? new JsonObject { ["type"] = "object" },
                };
                if (f?["description"] is JsonNode d)
                {
                    tool["description"] = (string?)d;
                }

                at.Add(tool);
            }

            a["tools"] = at;
        }

        var choice = o["tool_choice"];
        if (choice is JsonValue cv)
        {
            a["tool_choice"] = (string?)cv switch
            {
                "required" => new JsonObject { ["type"] = "any" },
                "none" => new JsonObject { ["type"] = "none" },
                _ => new JsonObject { ["type"] = "auto" },
            };
        }
        else if (choice is JsonObject co)
        {
            a["tool_choice"] = new JsonObject { ["type"] = "tool", ["name"] = (string?)co["function"]?["name"] };
        }

        return a;
    }

    private static IEnumerable<JsonObject> UserBlocks(JsonNode? content)
    {
        if (content is JsonArray parts)
        {
            foreach (var p in parts)
            {
                switch ((string?)p?["type"])
                {
                    case "text":
                        yield return new JsonObject { ["type"] = "text", ["text"] = (string?)p!["text"] };
                        break;
                    case "image_url":
                        var url = (string?)p!["image_url"]?["url"] ?? "";
                        if (url.StartsWith("data:", StringComparison.Ordinal))
                        {
                            var semi = url.IndexOf(';', StringComparison.Ordinal);
                            var comma = url.IndexOf(',', StringComparison.Ordinal);
                            if (semi > 5 && comma > semi)
                            {
                                yield return new JsonObject
                                {
                                    ["type"] = "image",
                                    ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = url[5..semi], ["data"] = url[(comma + 1)..] },
                                };
                            }
                        }
                        else
                        {
                            yield return new JsonObject { ["type"] = "image", ["source"] = new JsonObject { ["type"] = "url", ["url"] = url } };
                        }

                        break;
                }
            }

            yield break;
        }

        yield return new JsonObject { ["type"] = "text", ["text"] = ContentText(content) };
    }

    /// <summary>Adds a block to the last message when it has the same role (Anthropic requires alternation), else a new message.</summary>
    private static void AppendBlock(JsonArray messages, string role, JsonObject block)
    {
        if (messages.Count > 0 && messages[^1] is JsonObject last && (string?)last["role"] == role && last["content"] is JsonArray blocks)
        {
            blocks.Add(block);
            return;
        }

        messages.Add(new JsonObject { ["role"] = role, ["content"] = new JsonArray(block) });
    }

    private static JsonNode ParseArguments(string? arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return new JsonObject();
        }

        try
        {
            return JsonNode.Parse(arguments) as JsonObject ?? new JsonObject();
        }
        catch (JsonException)
        {
            return new JsonObject();
        }
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
}
