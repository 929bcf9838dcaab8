using System.Buffers;
using System.Text.Json;
using Warden.Core.Pseudonymization;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Restores surrogates in an Anthropic Messages event stream without translating it: one <see cref="IStreamingRestorer"/>
/// per content block for <c>text_delta</c> text and one for <c>input_json_delta</c> JSON (a surrogate split across deltas
/// is still restored), whole strings elsewhere (<c>citations_delta</c>, <c>message_delta.stop_sequence</c>, server tool
/// results). Thinking and signature deltas pass as sent (<see cref="AnthropicRestore.IsSigned"/>). What a block's restorer
/// still holds goes out as one more delta of the same kind just before its <c>content_block_stop</c>. An event with
/// nothing to restore is written as the provider sent it.
/// </summary>
internal sealed class AnthropicStreamRestorer(IPseudonymizationSession session)
{
    // '<' starts every token surrogate; a backslash may escape one (\u003c).
    private static readonly SearchValues<byte> Special = SearchValues.Create("<\\"u8);

    private readonly Dictionary<int, (IStreamingRestorer Restorer, bool Json)> _blocks = [];

    /// <summary>Writes the event (restored) and, before a block's stop, what the block's restorer still held.</summary>
    public void Process(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> writer)
    {
        if (IsIdle && data.IndexOfAny(Special) < 0)
        {
            Write(writer, eventName, data);
            return;
        }

        var (type, index, deltaType) = Peek(data);
        if (type == "content_block_stop")
        {
            FlushBlock(index, writer);
            Write(writer, eventName, data);
            return;
        }

        ReadOnlyMemory<byte>? restored;
        if (type == "content_block_delta" && deltaType is "text_delta" or "input_json_delta")
        {
            var json = deltaType == "input_json_delta";
            var restorer = Block(index, json);
            restored = AnthropicRestore.Rewrite(data, (place, key, value) =>
                place == AnthropicPlace.Delta && (json ? key is "partial_json" : key is "text") ? restorer.Push(value) : null);
        }
        else
        {
            restored = AnthropicRestore.Restore(data, session);
        }

        Write(writer, eventName, restored is { } r ? r.Span : data);
    }

    /// <summary>At the end of a stream that lacked some <c>content_block_stop</c>: what the open blocks still hold.</summary>
    public void Finish(IBufferWriter<byte> writer)
    {
        foreach (var index in _blocks.Keys.ToArray())
        {
            FlushBlock(index, writer);
        }
    }

    /// <summary>True when the session issued no realistic fakes and no block's restorer holds anything back.</summary>
    private bool IsIdle
    {
        get
        {
            if (session is not PseudonymizationSession { IssuedFakes: false })
            {
                return false;
            }

            foreach (var (r, _) in _blocks.Values)
            {
                if (r is not StreamingRestorer { IsIdle: true })
                {
                    return false;
                }
            }

            return true;
        }
    }

    private IStreamingRestorer Block(int index, bool json)
    {
        if (!_blocks.TryGetValue(index, out var block))
        {
            _blocks[index] = block = (json ? session.CreateJsonStreamingRestorer() : session.CreateStreamingRestorer(), json); // partial_json is JSON text
        }

        return block.Restorer;
    }

    private void FlushBlock(int index, IBufferWriter<byte> writer)
    {
        if (!_blocks.Remove(index, out var block))
        {
            return;
        }

        var rest = block.Restorer.Flush();
        if (rest.Length == 0)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(rest.Length + 96);
        using (var w = new Utf8JsonWriter(buffer, ProxyHandler.RelaxedJson))
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "content_block_delta"u8);
            w.WriteNumber("index"u8, index);
            w.WriteStartObject("delta"u8);
            w.WriteString("type"u8, block.Json ? "input_json_delta"u8 : "text_delta"u8);
            w.WriteString(block.Json ? "partial_json"u8 : "text"u8, rest);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        Write(writer, "content_block_delta"u8, buffer.WrittenSpan);
    }

    private static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (!eventName.IsEmpty)
        {
            writer.Write("event: "u8);
            writer.Write(eventName);
            writer.Write("\n"u8);
        }

        writer.Write("data: "u8);
        writer.Write(data);
        writer.Write("\n\n"u8);
    }

    /// <summary>The event's <c>type</c>, <c>index</c> and <c>delta.type</c> (top level and one level down only).</summary>
    internal static (string? Type, int Index, string? DeltaType) Peek(ReadOnlySpan<byte> data)
    {
        string? type = null, deltaType = null;
        var index = -1;
        var reader = new Utf8JsonReader(data);
        var depth = 0;
        var inDelta = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    depth++;
                    continue;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    if (--depth == 1)
                    {
                        inDelta = false;
                    }

                    continue;
                case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("delta"u8):
                    inDelta = true;
                    continue;
                case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("type"u8):
                    type = ScalarString(ref reader);
                    continue;
                case JsonTokenType.PropertyName when depth == 2 && inDelta && reader.ValueTextEquals("type"u8):
                    deltaType = ScalarString(ref reader);
                    continue;
                case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("index"u8):
                    reader.Read();
                    index = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var i) ? i : -1;
                    reader.Skip(); // a container in its place is passed over whole
                    continue;
            }
        }

        return (type, index, deltaType);
    }

    /// <summary>The member value under the reader when it is a string (a container is skipped whole).</summary>
    private static string? ScalarString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }
}
