using System.Text;
using System.Text.Json;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Collects the generated text of a streamed answer (OpenAI <c>delta.content</c> / tool <c>arguments</c>, Anthropic
/// <c>delta.text</c> / <c>partial_json</c>) when Warden needs it: to count completion tokens a provider did not report,
/// or to capture content a policy asked for. Bounded: beyond <see cref="MaxChars"/> only the length is kept.
/// </summary>
internal sealed class StreamTextCollector
{
    public const int MaxChars = 1 << 20;

    private readonly StringBuilder _text = new();

    /// <summary>Characters beyond <see cref="MaxChars"/> (counted, not kept).</summary>
    public long OverflowChars { get; private set; }

    public string Text => _text.ToString();

    /// <summary>Adds the text deltas of one event's JSON data; anything that is not JSON is ignored.</summary>
    public void Add(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data[0] != (byte)'{')
        {
            return;
        }

        try
        {
            var reader = new Utf8JsonReader(data);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName
                    || !(reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("arguments"u8) || reader.ValueTextEquals("partial_json"u8)))
                {
                    continue;
                }

                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    Append(reader.GetString()!);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string with an unpaired surrogate escape (half a character the pass-through
            // forwards as sent; the other paths join split pairs before this).
            // Not ours to judge here; the proxy handles invalid events.
        }
    }

    private void Append(string s)
    {
        var room = MaxChars - _text.Length;
        if (s.Length <= room)
        {
            _text.Append(s);
            return;
        }

        _text.Append(s.AsSpan(0, Math.Max(0, room)));
        OverflowChars += s.Length - Math.Max(0, room);
    }
}
