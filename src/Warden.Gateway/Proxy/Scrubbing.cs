using System.Text.Json.Nodes;
using Warden.Core.Pseudonymization;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Proxy;

/// <summary>Applies a pseudonymization session to canonical (OpenAI-shaped) requests and responses.</summary>
internal static class Scrubbing
{
    /// <summary>
    /// A field scrubbing protects has a shape it cannot walk: refused (400) before anything is forwarded, never passed on
    /// unscrubbed. The one-pass <see cref="ScrubRewriter"/> applies the same rules.
    /// </summary>
    public static WardenHttpException Unscrubbable(string what) =>
        new(400, "invalid_request", what + " (Warden scrubs this field and cannot walk any other shape)");

    /// <summary>Protects message text, text parts, tool-call arguments and embedding inputs.</summary>
    public static void Protect(JsonObject request, IPseudonymizationSession session)
    {
        if (request["messages"] is JsonArray messages)
        {
            foreach (var m in messages)
            {
                if (m is not JsonObject msg)
                {
                    throw Unscrubbable("each message must be an object");
                }

                ProtectContent(msg, "content", session);
                var toolCalls = msg["tool_calls"];
                if (toolCalls is not (null or JsonArray))
                {
                    throw Unscrubbable("'tool_calls' must be an array");
                }

                foreach (var tc in toolCalls as JsonArray ?? [])
                {
                    if (tc is not JsonObject call || call["function"] is not (null or JsonObject))
                    {
                        throw Unscrubbable("each tool call must be an object with a 'function' object");
                    }

                    if (call["function"] is JsonObject f)
                    {
                        ProtectString(f, "arguments", session);
                    }
                }
            }
        }

        if (request["input"] is JsonArray inputs)
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                if (inputs[i] is JsonObject)
                {
                    throw Unscrubbable("'input' items must be strings or token arrays");
                }

                if (inputs[i] is JsonValue v && v.TryGetValue<string>(out var s))
                {
                    inputs[i] = session.Protect(s);
                }
            }
        }
        else
        {
            ProtectString(request, "input", session);
        }
    }

    /// <summary>Restores message content and tool-call arguments in a chat.completion.</summary>
    public static void Restore(JsonObject response, IPseudonymizationSession session)
    {
        foreach (var c in response["choices"] as JsonArray ?? [])
        {
            if (c?["message"] is not JsonObject msg)
            {
                continue;
            }

            if (msg["content"] is JsonValue v && v.TryGetValue<string>(out var s))
            {
                msg["content"] = session.Restore(s);
            }

            foreach (var tc in msg["tool_calls"] as JsonArray ?? [])
            {
                if (tc?["function"] is JsonObject f && f["arguments"] is JsonValue a && a.TryGetValue<string>(out var args))
                {
                    f["arguments"] = session.Restore(args);
                }
            }
        }
    }

    private static void ProtectContent(JsonObject owner, string name, IPseudonymizationSession session)
    {
        switch (owner[name])
        {
            case JsonValue v when v.TryGetValue<string>(out var s):
                owner[name] = session.Protect(s);
                break;
            case JsonArray parts:
                foreach (var p in parts)
                {
                    if (p is not JsonObject part)
                    {
                        throw Unscrubbable("each content part must be an object");
                    }

                    ProtectString(part, "text", session);
                }

                break;
            case null:
                break;
            default:
                throw Unscrubbable("'content' must be a string, an array of parts or null");
        }
    }

    private static void ProtectString(JsonObject owner, string name, IPseudonymizationSession session)
    {
        switch (owner[name])
        {
            case JsonValue v when v.TryGetValue<string>(out var s):
                owner[name] = session.Protect(s);
                break;
            case null:
                break;
            default:
                throw Unscrubbable($"'{name}' must be a string");
        }
    }
}
