using System.Text.Json;
using Warden.Core.Pseudonymization;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Restores a scrubbed OpenAI <c>chat.completion</c> for an OpenAI caller in one forward pass with
/// <see cref="Utf8JsonReader"/>, without a DOM (as <see cref="AnthropicRestore"/> does for Anthropic): each choice's
/// <c>message.content</c> goes through <see cref="IPseudonymizationSession.Restore"/> and each
/// <c>message.tool_calls[].function.arguments</c> through <see cref="IPseudonymizationSession.RestoreInJson"/>; a string
/// that changes is written JSON-encoded in place of the original token, every other byte is copied as the provider sent
/// it. The same strings <see cref="Scrubbing.Restore"/> restores over the DOM, and the same checks: the root is an object
/// whose <c>choices</c> is an array of objects.
/// </summary>
internal static class OpenAIRestore
{
    private const int MaxDepth = 256;


    private enum Place : byte
    {
        Other,
        Root,
        Choices,
        Choice,
        Message,
        ToolCalls,
        ToolCall,
        Function,

        /// <summary><c>message.content</c>: restored as text.</summary>
        Content,

        /// <summary><c>function.arguments</c>: restored as JSON text.</summary>
        Arguments,
    }

    /// <summary>
    /// The restored answer; null when nothing changed. Throws <see cref="JsonException"/> for invalid JSON or a shape that
    /// is not a chat completion, <see cref="InvalidOperationException"/> for a restored string with an unpaired surrogate.
    /// </summary>
    public static ReadOnlyMemory<byte>? Restore(ReadOnlySpan<byte> json, IPseudonymizationSession session)
    {
        using var splice = new JsonStringSplice();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        Span<Place> places = stackalloc Place[MaxDepth + 1];
        Span<bool> arrays = stackalloc bool[MaxDepth + 1];
        var depth = 0;
        var member = Place.Other; // the place of the value of the last property name read
        var sawChoices = false;
        while (reader.Read())
        {
            var token = reader.TokenType;
            if (token == JsonTokenType.PropertyName)
            {
                member = Member(places[depth - 1], ref reader);
                continue;
            }

            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                depth--;
                continue;
            }

            var place = depth == 0 ? Place.Root
                : !arrays[depth - 1] ? member
                : places[depth - 1] switch
                {
                    Place.Choices => token == JsonTokenType.StartObject ? Place.Choice : throw new JsonException("a choice is not an object"),
                    Place.ToolCalls => Place.ToolCall,
                    _ => Place.Other,
                };
            if (place == Place.Root && token != JsonTokenType.StartObject)
            {
                throw new JsonException("not an object");
            }

            if (place == Place.Choices)
            {
                sawChoices = token == JsonTokenType.StartArray ? true : throw new JsonException("choices is not an array");
            }

            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                // A container where another kind of value belongs is walked as Other (nothing in it is restored).
                var array = token == JsonTokenType.StartArray;
                places[depth] = place switch
                {
                    Place.Root or Place.Choice or Place.Message or Place.ToolCall or Place.Function when !array => place,
                    Place.Choices or Place.ToolCalls when array => place,
                    _ => Place.Other,
                };
                arrays[depth++] = array;
                continue;
            }

            if (token != JsonTokenType.String || place is not (Place.Content or Place.Arguments))
            {
                continue;
            }

            var text = reader.GetString()!;
            var replacement = place == Place.Content
                ? session.Restore(text)
                : session.RestoreInJson(Scrubbing.UnescapeAngles(text)); // originals escaped: arguments stay valid JSON
            if (string.Equals(replacement, text, StringComparison.Ordinal))
            {
                continue;
            }

            splice.Replace(json, ref reader, replacement);
        }

        if (!sawChoices)
        {
            throw new JsonException("missing choices");
        }

        return splice.Finish(json);
    }

    private static Place Member(Place parent, ref Utf8JsonReader reader) => parent switch
    {
        Place.Root when reader.ValueTextEquals("choices"u8) => Place.Choices,
        Place.Choice when reader.ValueTextEquals("message"u8) => Place.Message,
        Place.Message when reader.ValueTextEquals("content"u8) => Place.Content,
        Place.Message when reader.ValueTextEquals("tool_calls"u8) => Place.ToolCalls,
        Place.ToolCall when reader.ValueTextEquals("function"u8) => Place.Function,
        Place.Function when reader.ValueTextEquals("arguments"u8) => Place.Arguments,
        _ => Place.Other,
    };
}
