using System.Text.Json;

namespace Warden.Cli.Commands;

/// <summary>
/// One input line of the eval protocol (<c>../shared/eval/README.md</c>): <c>{"id", "text"}</c>. The id is echoed
/// as sent (string or number); a line that is not a JSON object, has no string <c>text</c>, or escapes a lone UTF-16
/// surrogate gets a one-line <see cref="Error"/> and the run goes on.
/// </summary>
internal readonly record struct JsonlLine(JsonElement Id, string? Text, string? Error)
{
    public static JsonlLine Parse(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new(default, null, "line is not a JSON object");
            }

            var id = root.TryGetProperty("id", out var idEl) ? idEl.Clone() : default;
            if (!root.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String)
            {
                return new(id, null, "missing string field \"text\"");
            }

            try
            {
                return new(id, t.GetString(), null);
            }
            catch (InvalidOperationException)
            {
                // Valid JSON grammar, but the text escapes a lone UTF-16 surrogate, which no UTF-8 output can carry.
                return new(id, null, "\"text\" is not valid Unicode (a lone surrogate escape)");
            }
        }
        catch (JsonException ex)
        {
            return new(default, null, "malformed JSON: " + ex.Message.Split('\n')[0]);
        }
    }

    /// <summary>Writes <c>"id": &lt;as sent&gt;</c> (null when the line had none).</summary>
    public void WriteId(Utf8JsonWriter w)
    {
        w.WritePropertyName("id");
        if (Id.ValueKind == JsonValueKind.Undefined)
        {
            w.WriteNullValue();
        }
        else
        {
            Id.WriteTo(w);
        }
    }
}
