using System.Text.Json.Nodes;
using Warden.Core.Pseudonymization;

namespace Warden.Gateway.Proxy;

/// <summary>Applies a pseudonymization session to canonical (OpenAI-shaped) requests and responses.</summary>
internal static class Scrubbing
{
    /// <summary>Protects message text, text parts, tool-call arguments and embedding inputs.</summary>
    public static void Protect(JsonObject request, IPseudonymizationSession session)
    {
        if (request["messages"] is JsonArray messages)
        {
            foreach (var m in messages)
            {
                if (m is not JsonObject msg)
                {
                    continue;
                }

                ProtectContent(msg, "content", session);
                foreach (var tc in msg["tool_calls"] as JsonArray ?? [])
                {
                    if (tc?["function"] is JsonObject f)
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
                    if (p is JsonObject part)
                    {
                        ProtectString(part, "text", session);
                    }
                }

                break;
        }
    }

    private static void ProtectString(JsonObject owner, string name, IPseudonymizationSession session)
    {
        if (owner[name] is JsonValue v && v.TryGetValue<string>(out var s))
        {
            owner[name] = session.Protect(s);
        }
    }
}
