using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Warden.Gateway.Translation;

/// <summary>OpenAI chat request → Anthropic Messages request, and the block helpers only that direction uses.</summary>
internal static partial class RequestTranslator
{
    /// <summary>OpenAI chat request → Anthropic Messages request (a field of the wrong type: 400, nothing forwarded).</summary>
    public static JsonObject OpenAIToAnthropic(JsonObject o, int defaultMaxTokens)
    {
        try
        {
            return OpenAIToAnthropicCore(o, defaultMaxTokens);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw WrongType(ex);
        }
    }

    private static JsonObject OpenAIToAnthropicCore(JsonObject o, int defaultMaxTokens)
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

                    system.Append(RequestText(m["content"]));
                    break;
                case "tool":
                    AppendBlock(messages, "user", new JsonObject
                    {
                        ["type"] = "tool_result",
                        ["tool_use_id"] = (string?)m["tool_call_id"],
                        ["content"] = RequestText(m["content"]),
                    });
                    break;
                case "assistant":
                    var text = RequestText(m["content"]);
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
                    case "file":
                        yield return FileToAnthropic(p!["file"] as JsonObject ?? throw Invalid("a 'file' part needs a 'file' object"));
                        break;
                    case var other:
                        // Dropping it would send the rest of the message without what the user attached.
                        throw Invalid($"a '{Truncate(other)}' content part has no Anthropic counterpart; send it to an OpenAI-format provider");
                }
            }

            yield break;
        }

        yield return new JsonObject { ["type"] = "text", ["text"] = RequestText(content) };
    }

    /// <summary>A request message's text: null, a string or an array of parts; anything else is the caller's error (400).</summary>
    private static string RequestText(JsonNode? content) => content is null or JsonArray || content is JsonValue v && v.GetValueKind() == JsonValueKind.String
        ? ContentText(content)
        : throw Invalid("message content must be a string, an array of parts or null");

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
}
