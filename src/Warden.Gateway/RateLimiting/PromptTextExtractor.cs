using System.Text;
using System.Text.Json;

namespace Warden.Gateway.RateLimiting;

/// <summary>
/// Pulls the model and the prompt text out of an OpenAI- or Anthropic-shaped JSON body (the string values of
/// <c>content</c>, <c>text</c>, <c>prompt</c>, <c>input</c>, <c>system</c> at any depth), to count prompt tokens before forwarding.
/// </summary>
internal static class PromptTextExtractor
{
    private const int MaxDepth = 32;

    public static (string? Model, string Text) Extract(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, string.Empty);
            }

            var model = doc.RootElement.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            var sb = new StringBuilder();
            Walk(doc.RootElement, null, sb, 0);
            return (model, sb.ToString());
        }
        catch (JsonException)
        {
            return (null, string.Empty); // the proxy rejects malformed bodies itself
        }
    }

    private static void Walk(JsonElement e, string? property, StringBuilder sb, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    Walk(p.Value, p.Name, sb, depth + 1);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item, property, sb, depth + 1);
                }

                break;
            case JsonValueKind.String when property is "content" or "text" or "prompt" or "input" or "system":
                sb.Append(e.GetString()).Append('\n');
                break;
        }
    }
}
