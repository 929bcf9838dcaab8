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

    /// <summary>A string holding an unpaired UTF-16 surrogate escape (<c>\ud800</c>) has no text to scrub: 400, never forwarded.</summary>
    public static WardenHttpException InvalidString() =>
        new(400, "invalid_request", "a string in the request holds an unpaired surrogate escape (\\uD800-\\uDFFF alone)");

    /// <summary>
    /// A function/tool name is an identifier the provider must echo back exactly (in its tool calls) and whose charset
    /// (<c>^[a-zA-Z0-9_-]{1,64}$</c> at OpenAI and Anthropic) admits no <c>&lt;TYPE_n&gt;</c> surrogate: it is never
    /// scrubbed. One that holds data the session would scrub is refused (400) rather than sent in the clear.
    /// docs/gateway.md "Tool names".
    /// </summary>
    public static void CheckToolName(string name, IPseudonymizationSession session)
    {
        if (!string.Equals(session.Protect(name), name, StringComparison.Ordinal))
        {
            throw new WardenHttpException(400, "invalid_request",
                "a function/tool name holds data that scrubbing protects; tool names are sent to the provider verbatim, so rename the tool");
        }
    }

    /// <summary>The text of a string node; 400 for one with an unpaired surrogate escape.</summary>
    public static string StringOf(JsonNode node)
    {
        try
        {
            return node.GetValue<string>();
        }
        catch (InvalidOperationException)
        {
            throw InvalidString();
        }
    }

    /// <summary>
    /// Protects every string of <paramref name="request"/> the shared <see cref="ScrubRules"/> do not keep, at any depth
    /// (the same walk <see cref="ScrubRewriter"/> makes over the raw bytes). Returns the end-user id fields with the values
    /// the caller sent (for <see cref="EndUserIdMode.Hash"/>) and their scrubbed values (for <see cref="EndUserIdMode.Pass"/>).
    /// </summary>
    public static EndUserFields Protect(JsonObject request, IPseudonymizationSession session, bool protectEndUser = true)
    {
        var fields = new EndUserFields { ProtectValues = protectEndUser };
        WalkObject(request, ScrubContext.Root, session, fields);
        return fields;
    }

    private static void WalkObject(JsonObject o, ScrubContext context, IPseudonymizationSession? session, EndUserFields fields)
    {
        for (var i = 0; i < o.Count; i++)
        {
            var (name, value) = o.GetAt(i);
            var child = ScrubRules.Member(context, name);
            if (Walk(value, child, session, fields, context, name) is { } replaced)
            {
                o.SetAt(i, replaced);
            }
        }
    }

    /// <summary>Walks one value; returns its replacement when it is a string the session changed.</summary>
    private static JsonValue? Walk(JsonNode? node, ScrubContext context, IPseudonymizationSession? session, EndUserFields fields, ScrubContext parent = ScrubContext.Data, string? name = null)
    {
        var kind = KindOf(node);
        if (ScrubRules.Refusal(context, kind) is { } why)
        {
            throw Unscrubbable(why);
        }

        switch (node)
        {
            case JsonObject o:
                WalkObject(o, context, session, fields);
                return null;
            case JsonArray a:
                var element = ScrubRules.Element(context);
                for (var i = 0; i < a.Count; i++)
                {
                    if (Walk(a[i], element, session, fields) is { } replaced)
                    {
                        a[i] = replaced;
                    }
                }

                return null;
        }

        var text = kind == ScrubValueKind.String ? StringOf(node!) : null;
        if (context == ScrubContext.Identity)
        {
            var scrubbed = text is null || session is null || !fields.ProtectValues ? text : session.Protect(text);
            fields.Record(EndUserSpan.KeyOf(parent, name), text, scrubbed);
            return ReferenceEquals(scrubbed, text) || scrubbed == text ? null : JsonValue.Create(scrubbed);
        }

        if (context == ScrubContext.ToolName && text is not null && session is not null)
        {
            CheckToolName(text, session);
        }

        if (text is null || session is null || ScrubRules.KeepsString(context, text))
        {
            return null;
        }

        var protectedText = session.Protect(text);
        return ReferenceEquals(protectedText, text) || string.Equals(protectedText, text, StringComparison.Ordinal) ? null : JsonValue.Create(protectedText);
    }

    private static ScrubValueKind KindOf(JsonNode? node) => node switch
    {
        null => ScrubValueKind.Null,
        JsonObject => ScrubValueKind.Object,
        JsonArray => ScrubValueKind.Array,
        _ => node.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => ScrubValueKind.String,
            System.Text.Json.JsonValueKind.Number => ScrubValueKind.Number,
            System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => ScrubValueKind.Bool,
            System.Text.Json.JsonValueKind.Object => ScrubValueKind.Object,
            System.Text.Json.JsonValueKind.Array => ScrubValueKind.Array,
            _ => ScrubValueKind.Null,
        },
    };

    /// <summary>
    /// Arguments are JSON text: a provider (or a serialiser on the way) may write a surrogate's angle brackets as
    /// <c>\u003C</c>/<c>\u003E</c>, which mean the same there; written plainly so the restore finds the surrogate.
    /// </summary>
    internal static string UnescapeAngles(string json)
    {
        if (!json.Contains("\\u003", StringComparison.OrdinalIgnoreCase))
        {
            return json;
        }

        var sb = new System.Text.StringBuilder(json.Length);
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] == '\\' && i + 5 < json.Length && json[i + 1] == 'u' && json[i + 2] == '0' && json[i + 3] == '0' && json[i + 4] == '3'
                && (json[i + 5] | 0x20) is 'c' or 'e')
            {
                sb.Append((json[i + 5] | 0x20) == 'c' ? '<' : '>');
                i += 5;
            }
            else if (json[i] == '\\' && i + 1 < json.Length)
            {
                sb.Append(json, i, 2); // any other escape (an escaped backslash included) stays as it is
                i++;
            }
            else
            {
                sb.Append(json[i]);
            }
        }

        return sb.ToString();
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
                    f["arguments"] = session.RestoreInJson(UnescapeAngles(args)); // originals escaped: arguments stay valid JSON
                }
            }
        }
    }
}
