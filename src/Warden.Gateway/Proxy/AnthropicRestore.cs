using System.Text.Json;
using Warden.Core.Pseudonymization;

namespace Warden.Gateway.Proxy;

/// <summary>Where a string sits in an Anthropic message or stream event, as far as restoring cares.</summary>
internal enum AnthropicPlace : byte
{
    Other,
    Root,

    /// <summary><c>message_start</c>'s <c>message</c>.</summary>
    Message,

    /// <summary>A message's <c>content</c> array.</summary>
    ContentList,

    /// <summary>A content block: an element of <see cref="ContentList"/> or <c>content_block_start</c>'s <c>content_block</c>.</summary>
    Block,

    /// <summary>An event's <c>delta</c> (<c>content_block_delta</c>, <c>message_delta</c>).</summary>
    Delta,
}

/// <summary>
/// Restores an Anthropic Messages answer (a message, or one stream event's data) in one forward pass with
/// <see cref="Utf8JsonReader"/>, without a DOM and without translating it: each string value goes through a map; a
/// string the map changes is written JSON-encoded in place of the original token, every other byte is copied as the
/// provider sent it. Object keys are never changed. Thinking blocks are not restored (see <see cref="IsSigned"/>).
/// </summary>
internal static class AnthropicRestore
{
    private const int MaxDepth = 256;


    /// <summary>Gives the replacement of a string value, or null to keep it.</summary>
    internal delegate string? StringMap(AnthropicPlace place, ReadOnlySpan<char> key, string value);

    /// <summary>
    /// A block's <c>thinking</c> text, <c>signature</c> and <c>redacted_thinking.data</c> (and their deltas) go back to the
    /// provider in a later turn, where the signature is checked over them: they reach the caller exactly as the model wrote
    /// them (surrogates included), so that the caller can send them back unmodified. docs/gateway.md "Thinking blocks".
    /// </summary>
    public static bool IsSigned(AnthropicPlace place, ReadOnlySpan<char> key) =>
        place is AnthropicPlace.Block or AnthropicPlace.Delta && key is "thinking" or "signature" or "data";

    /// <summary>Every string restored but the signed thinking content; null when nothing changed.</summary>
    public static ReadOnlyMemory<byte>? Restore(ReadOnlySpan<byte> json, IPseudonymizationSession session) =>
        Rewrite(json, (place, key, value) => IsSigned(place, key) ? null : session.Restore(value));

    /// <summary>
    /// <paramref name="json"/> with each string value <paramref name="map"/> replaces rewritten; null when none changed.
    /// Throws <see cref="JsonException"/> for invalid JSON (a string with an unpaired surrogate escape included).
    /// </summary>
    public static ReadOnlyMemory<byte>? Rewrite(ReadOnlySpan<byte> json, StringMap map)
    {
        using var splice = new JsonStringSplice();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        Span<AnthropicPlace> places = stackalloc AnthropicPlace[MaxDepth + 1];
        Span<bool> arrays = stackalloc bool[MaxDepth + 1];
        Span<char> key = stackalloc char[32];
        var keyLength = 0;
        var depth = 0;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        keyLength = ScrubRewriter.KeyOf(ref reader, key);
                        continue;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        var current = depth == 0 ? default : key[..(arrays[depth - 1] ? 0 : keyLength)];
                        places[depth] = depth == 0 ? AnthropicPlace.Root : Child(places[depth - 1], arrays[depth - 1], depth, current);
                        arrays[depth] = reader.TokenType == JsonTokenType.StartArray;
                        depth++;
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        depth--;
                        continue;
                    case JsonTokenType.String when depth > 0:
                        break;
                    default:
                        continue;
                }

                var text = reader.GetString()!;
                var replacement = map(places[depth - 1], key[..(arrays[depth - 1] ? 0 : keyLength)], text);
                if (replacement is null || string.Equals(replacement, text, StringComparison.Ordinal))
                {
                    continue;
                }

                splice.Replace(json, ref reader, replacement);
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException("a string holds an unpaired surrogate escape", ex);
        }

        return splice.Finish(json);
    }

    private static AnthropicPlace Child(AnthropicPlace parent, bool parentIsArray, int depth, ReadOnlySpan<char> key) => parent switch
    {
        AnthropicPlace.Root => key switch
        {
            "message" => AnthropicPlace.Message,
            "content" => AnthropicPlace.ContentList,
            "content_block" => AnthropicPlace.Block,
            "delta" => AnthropicPlace.Delta,
            _ => AnthropicPlace.Other,
        },
        AnthropicPlace.Message when key is "content" => AnthropicPlace.ContentList,
        AnthropicPlace.ContentList when parentIsArray && depth <= 3 => AnthropicPlace.Block,
        _ => AnthropicPlace.Other,
    };
}
