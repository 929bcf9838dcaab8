using System.Text.Json;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Finds token counts in an OpenAI or Anthropic JSON payload without a DOM: <c>prompt_tokens</c> /
/// <c>input_tokens</c> and <c>completion_tokens</c> / <c>output_tokens</c> (the last seen wins).
/// </summary>
internal static class UsageScanner
{
    /// <summary>Updates <paramref name="input"/>/<paramref name="output"/>; throws <see cref="JsonException"/> on invalid JSON.</summary>
    public static void Scan(ReadOnlySpan<byte> json, ref int input, ref int output)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var isInput = reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8);
            var isOutput = !isInput && (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8));
            if (!isInput && !isOutput)
            {
                continue;
            }

            reader.Read();
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n))
            {
                if (isInput)
                {
                    input = Math.Max(input, n);
                }
                else
                {
                    output = Math.Max(output, n);
                }
            }
        }
    }
}
