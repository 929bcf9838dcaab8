using System.Text;
using System.Text.Json;

namespace Warden.Scanner.Probing;

/// <summary>
/// Builds the short excerpts stored as evidence. Excerpts are bounded, control characters are
/// removed, and in JSON any value under a secret-looking key (token, password, secret, key, nonce,
/// signature, cookie) is replaced by <c>[redacted]</c>, so a scan report never carries a secret
/// an exposed gateway happened to return.
/// </summary>
internal static class Excerpts
{
    public const int MaxLength = 400;

    private static readonly string[] SecretKeyParts = ["token", "password", "secret", "key", "nonce", "signature", "cookie", "auth"];

    /// <summary>Excerpt of a response body by content type.</summary>
    public static string FromBody(string? contentType, string body)
    {
        if (body.Length == 0)
        {
            return string.Empty;
        }

        var trimmed = body.TrimStart();
        if ((contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false) || trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            var redacted = RedactJson(body);
            if (redacted is not null)
            {
                return Clean(redacted);
            }
        }

        if (contentType?.Contains("html", StringComparison.OrdinalIgnoreCase) ?? trimmed.StartsWith('<'))
        {
            return Clean(HtmlSummary(body));
        }

        return Clean(body);
    }

    /// <summary>Re-serialises JSON with secret-looking values redacted; null when it is not JSON.</summary>
    public static string? RedactJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                Write(writer, doc.RootElement, redact: false);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when a JSON property name looks like it holds a secret.</summary>
    public static bool IsSecretKey(string name)
    {
        foreach (var part in SecretKeyParts)
        {
            if (name.Contains(part, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, bool redact)
    {
        if (redact && element.ValueKind is not (JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False))
        {
            writer.WriteStringValue("[redacted]");
            return;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var p in element.EnumerateObject())
                {
                    writer.WritePropertyName(p.Name);
                    Write(writer, p.Value, IsSecretKey(p.Name));
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, redact: false);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static string HtmlSummary(string html)
    {
        var parts = new List<string>();
        var title = Between(html, "<title>", "</title>");
        if (title is not null)
        {
            parts.Add($"title=\"{title.Trim()}\"");
        }

        foreach (var tag in new[] { "openclaw-app", "clawdbot-app", "moltbot-app" })
        {
            if (html.Contains("<" + tag, StringComparison.OrdinalIgnoreCase))
            {
                parts.Add($"<{tag}>");
            }
        }

        return parts.Count > 0 ? string.Join(' ', parts) : html[..Math.Min(html.Length, 160)];
    }

    /// <summary>Text between two markers (case-insensitive), or null.</summary>
    public static string? Between(string text, string open, string close)
    {
        var start = text.IndexOf(open, StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return null;
        }

        start += open.Length;
        var end = text.IndexOf(close, start, StringComparison.OrdinalIgnoreCase);
        return end < 0 || end - start > 200 ? null : text[start..end];
    }

    /// <summary>Removes control characters and bounds the length.</summary>
    public static string Clean(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, MaxLength + 1));
        foreach (var c in text)
        {
            if (sb.Length >= MaxLength)
            {
                sb.Append('…');
                break;
            }

            sb.Append(char.IsControl(c) ? ' ' : c);
        }

        return sb.ToString();
    }
}
