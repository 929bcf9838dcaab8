using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Warden.Core.Detection;
using Warden.Core.Detection.Operators;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Detection;

/// <summary>A validated <c>/api/scrub</c> request: exactly one of <see cref="Text"/> or <see cref="Messages"/>.</summary>
internal sealed record ScrubRequest(string? Text, IReadOnlyList<(string Role, string Content)>? Messages, IReadOnlyCollection<string>? Entities, ScrubOperator Operator, string? Session, IReadOnlyCollection<string>? Fakes = null)
{
    public static ScrubRequest From(JsonElement root, ScrubEndpointOptions limits, DetectionEngine engine)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Bad("body must be a JSON object");
        }

        string? text = null;
        List<(string, string)>? messages = null;
        if (root.TryGetProperty("text", out var t))
        {
            text = t.ValueKind == JsonValueKind.String ? t.GetString() : throw Bad("\"text\" must be a string");
        }

        if (root.TryGetProperty("messages", out var m))
        {
            if (m.ValueKind != JsonValueKind.Array)
            {
                throw Bad("\"messages\" must be an array");
            }

            if (m.GetArrayLength() > limits.MaxMessages)
            {
                throw new WardenHttpException(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"more than {limits.MaxMessages} messages");
            }

            messages = [];
            foreach (var item in m.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("content", out var c) || c.ValueKind != JsonValueKind.String)
                {
                    throw Bad("each message needs a string \"content\"");
                }

                var role = item.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "user";
                messages.Add((role, c.GetString()!));
            }
        }

        if ((text is null) == (messages is null))
        {
            throw Bad("send exactly one of \"text\" or \"messages\"");
        }

        HashSet<string>? entities = null;
        if (root.TryGetProperty("entities", out var e) && e.ValueKind != JsonValueKind.Null)
        {
            if (e.ValueKind != JsonValueKind.Array)
            {
                throw Bad("\"entities\" must be an array of entity type names");
            }

            entities = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in e.EnumerateArray())
            {
                var name = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Bad("\"entities\" must hold strings");
                if (!engine.SupportedTypes.Contains(name))
                {
                    throw Bad("unknown entity type in \"entities\"; known: " + string.Join(", ", engine.SupportedTypes));
                }

                entities.Add(name);
            }
        }

        var op = ScrubOperator.Redact;
        if (root.TryGetProperty("operator", out var o) && o.ValueKind != JsonValueKind.Null)
        {
            op = (o.ValueKind == JsonValueKind.String ? o.GetString() : null)?.ToUpperInvariant() switch
            {
                "REDACT" => ScrubOperator.Redact,
                "MASK" => ScrubOperator.Mask,
                "HASH" => ScrubOperator.Hash,
                "ENCRYPT" => ScrubOperator.Encrypt,
                "PSEUDONYMIZE" or "PSEUDONYMISE" => ScrubOperator.Pseudonymize,
                _ => throw Bad("\"operator\" must be one of redact, mask, hash, encrypt, pseudonymize"),
            };
        }

        if (root.TryGetProperty("language", out var l) && l.ValueKind != JsonValueKind.Null &&
            !(l.ValueKind == JsonValueKind.String && l.GetString() is "en" or "en-US" or "en-GB"))
        {
            throw Bad("only \"language\": \"en\" is supported");
        }

        string? session = null;
        if (root.TryGetProperty("session", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            session = s.ValueKind == JsonValueKind.String && s.GetString() is { Length: > 0 and <= 128 } v ? v : throw Bad("\"session\" must be a string of 1..128 characters");
        }

        // "fakes": ["PERSON", "EMAIL_ADDRESS"] or "all": realistic fakes instead of <TYPE_n> (pseudonymize only).
        List<string>? fakes = null;
        if (root.TryGetProperty("fakes", out var fk) && fk.ValueKind != JsonValueKind.Null)
        {
            if (op != ScrubOperator.Pseudonymize)
            {
                throw Bad("\"fakes\" needs \"operator\": \"pseudonymize\"");
            }

            fakes = fk.ValueKind == JsonValueKind.String && fk.GetString() is "all" or "*" ? ["*"] : fk.ValueKind == JsonValueKind.Array ? [] : throw Bad("\"fakes\" must be \"all\" or an array of entity type names");
            if (fk.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in fk.EnumerateArray())
                {
                    var name = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Bad("\"fakes\" must hold strings");
                    fakes.Add(engine.SupportedTypes.Contains(name) ? name : throw Bad("unknown entity type in \"fakes\"; known: " + string.Join(", ", engine.SupportedTypes)));
                }
            }
        }

        return new ScrubRequest(text, messages, entities, op, session, fakes);
    }

    private static WardenHttpException Bad(string message) => new(StatusCodes.Status400BadRequest, "invalid_request", message);
}
