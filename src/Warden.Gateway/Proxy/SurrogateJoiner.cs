using System.Buffers;
using System.Text;
using System.Text.Json;
using Warden.Gateway.Translation;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Joins a UTF-16 surrogate pair a provider split across two stream events in JSON escapes (a delta ending in
/// <c>\ud83d</c>, the next one of the same field starting with <c>\ude00</c>): the trailing high-surrogate escape is taken
/// off its event's string and put in front of the next string at the same place (same JSON path, array elements named by
/// their <c>index</c> member: the choice, the tool call, the Anthropic content block), so every later step (restorers,
/// translators, the text collector) sees whole characters. What is held is bounded: one 6-byte escape and its place's
/// path for the whole stream (<see cref="MaxHeld"/>); a second split while one is held ends the stream. A surrogate that
/// stays unpaired (the next string at its place does not start with the low half, or its choice/block or the answer ends
/// first) is an invalid answer: <see cref="UpstreamStreamException"/>, so the stream ends with an error event, as for a
/// lone surrogate anywhere else (docs/gateway.md "Characters split across deltas"). An event with no high-surrogate escape
/// while nothing is held is returned as it is, without a parse.
/// </summary>
internal sealed class SurrogateJoiner
{
    /// <summary>The most split characters held at once, per stream.</summary>
    public const int MaxHeld = 1;

    private const int MaxDepth = 64;

    private readonly Dictionary<string, byte[]> _held = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _output = new(256);
    private readonly Dictionary<int, int> _indexes = [];
    private readonly List<int> _closing = []; // starts of the objects that end their choice or block in this event
    private readonly List<string> _closed = []; // their paths

    /// <summary>True while the high half of a split character waits for its low half.</summary>
    public bool Holding => _held.Count > 0;

    /// <summary>
    /// The event's data with split pairs joined (valid until the next call); <paramref name="data"/> itself when nothing
    /// changes. Invalid JSON comes back unchanged (the next step reports it). Throws <see cref="UpstreamStreamException"/>
    /// when a held half is followed at its place by anything but the low half, when the half's choice (<c>finish_reason</c>),
    /// content block (<c>content_block_stop</c>) or the answer (<c>[DONE]</c>, <c>message_delta</c>, <c>message_stop</c>)
    /// ends while it is still held, and when a second character is split while one is held.
    /// </summary>
    public ReadOnlySpan<byte> Process(ReadOnlySpan<byte> data)
    {
        if (_held.Count == 0 && !HasHighEscape(data))
        {
            return data;
        }

        if (data.IsEmpty || data[0] != (byte)'{')
        {
            if (_held.Count > 0 && data.SequenceEqual("[DONE]"u8))
            {
                throw Unpaired();
            }

            return data;
        }

        try
        {
            return Join(data);
        }
        catch (JsonException)
        {
            return data;
        }
    }

    /// <summary>At the end of the stream: throws <see cref="UpstreamStreamException"/> when a half character is still held.</summary>
    public void Finish()
    {
        if (_held.Count > 0)
        {
            throw Unpaired();
        }
    }

    private static UpstreamStreamException Unpaired() =>
        new("the provider's stream holds an unpaired UTF-16 surrogate (half a character); the answer is incomplete");

    private ReadOnlySpan<byte> Join(ReadOnlySpan<byte> data)
    {
        // Pass 1: the `index` member of each object (by the object's start), so pass 2 names elements by it; whether the
        // event ends the answer.
        _indexes.Clear();
        _closing.Clear();
        _closed.Clear();
        Span<int> starts = stackalloc int[MaxDepth + 1];
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = MaxDepth });
        var depth = 0;
        var isStop = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    starts[depth++] = (int)reader.TokenStartIndex;
                    break;
                case JsonTokenType.StartArray:
                    starts[depth++] = -1;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    depth--;
                    break;
                case JsonTokenType.PropertyName when reader.ValueTextEquals("index"u8):
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var index))
                    {
                        _indexes[starts[depth - 1]] = index;
                    }
                    else
                    {
                        reader.Skip();
                    }

                    break;
                case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("type"u8):
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        isStop |= reader.ValueTextEquals("message_stop"u8) || reader.ValueTextEquals("message_delta"u8);
                        if (reader.ValueTextEquals("content_block_stop"u8))
                        {
                            _closing.Add(starts[0]); // the event names its block by its index
                        }
                    }

                    break;
                case JsonTokenType.PropertyName when reader.ValueTextEquals("finish_reason"u8):
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        _closing.Add(starts[depth - 1]); // this choice is finished (another may go on)
                    }

                    break;
            }
        }

        // Pass 2: each string value's place; edits where a held half goes in front or a trailing half is taken off.
        _output.ResetWrittenCount();
        var copied = 0;
        var path = new StringBuilder(64);
        Span<int> lengths = stackalloc int[MaxDepth + 1]; // path length at each open container
        Span<int> positions = stackalloc int[MaxDepth + 1]; // next element position in an array, -1 for an object
        string? name = null;
        depth = 0;
        reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = MaxDepth });
        while (reader.Read())
        {
            var token = reader.TokenType;
            if (token == JsonTokenType.PropertyName)
            {
                name = reader.GetString();
                continue;
            }

            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                path.Length = lengths[--depth];
                continue;
            }

            // The value's place: its parent's path, then its member name or its position in the array.
            var parentLength = path.Length;
            if (depth > 0)
            {
                var element = positions[depth - 1];
                if (element >= 0)
                {
                    positions[depth - 1]++;
                    path.Append('/').Append(token == JsonTokenType.StartObject && _indexes.TryGetValue((int)reader.TokenStartIndex, out var i)
                        ? "#" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : element.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    path.Append('/').Append(name);
                    if (token == JsonTokenType.StartObject && _indexes.TryGetValue((int)reader.TokenStartIndex, out var i))
                    {
                        path.Append('#').Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }
                }
            }
            else if (token == JsonTokenType.StartObject && _indexes.TryGetValue((int)reader.TokenStartIndex, out var i))
            {
                path.Append('#').Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (token == JsonTokenType.StartObject && _closing.Contains((int)reader.TokenStartIndex))
            {
                _closed.Add(path.ToString() + "/");
            }

            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                lengths[depth] = parentLength;
                positions[depth] = token == JsonTokenType.StartArray ? 0 : -1;
                depth++;
                continue;
            }

            if (token == JsonTokenType.String)
            {
                Edit(data, ref reader, path.ToString(), ref copied);
            }

            path.Length = parentLength;
        }

        // After the joins: a stop chunk may itself carry the low half of the last character.
        foreach (var held in _held.Keys)
        {
            if (isStop || _closed.Exists(prefix => held.StartsWith(prefix, StringComparison.Ordinal)))
            {
                throw Unpaired();
            }
        }

        if (copied == 0)
        {
            return data;
        }

        _output.Write(data[copied..]);
        return _output.WrittenSpan;
    }

    private void Edit(ReadOnlySpan<byte> data, ref Utf8JsonReader reader, string place, ref int copied)
    {
        var raw = reader.ValueSpan;
        _held.Remove(place, out var before);
        if (raw.IsEmpty && before is not null)
        {
            _held[place] = before; // an empty delta: the half waits for the next one
            return;
        }

        if (before is not null && !StartsWithLowEscape(raw))
        {
            throw Unpaired(); // the half is followed by something else: never forwarded as a lone surrogate
        }

        var trailing = EndsWithHighEscape(raw);
        if (before is null && !trailing)
        {
            return;
        }

        var start = (int)reader.TokenStartIndex + 1; // inside the quotes
        _output.Write(data[copied..start]);
        if (before is not null)
        {
            _output.Write(before);
        }

        var keep = trailing ? raw[..^6] : raw;
        _output.Write(keep);
        if (trailing)
        {
            if (_held.Count >= MaxHeld)
            {
                throw new UpstreamStreamException("the provider's stream splits a second character while the first is still incomplete; the answer cannot be joined");
            }

            _held[place] = raw[^6..].ToArray();
        }

        copied = start + raw.Length;
    }

    /// <summary>True when the raw (escaped) string ends with a <c>\uD800</c>–<c>\uDBFF</c> escape (an escape, not escaped text).</summary>
    internal static bool EndsWithHighEscape(ReadOnlySpan<byte> raw)
    {
        var i = 0;
        while (i < raw.Length)
        {
            var next = raw[i..].IndexOf((byte)'\\');
            if (next < 0)
            {
                return false;
            }

            i += next;
            if (i + 1 >= raw.Length)
            {
                return false;
            }

            if (raw[i + 1] != (byte)'u')
            {
                i += 2;
                continue;
            }

            if (i + 6 == raw.Length)
            {
                return IsHigh(raw.Slice(i + 2, 4));
            }

            i += 6;
        }

        return false;
    }

    /// <summary>True when <paramref name="data"/> holds a <c>\uD8..</c>–<c>\uDB..</c> escape (or text that looks like one).</summary>
    internal static bool HasHighEscape(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (true)
        {
            var next = data[i..].IndexOf("\\u"u8);
            if (next < 0)
            {
                return false;
            }

            i += next + 2;
            if (i + 4 <= data.Length && IsHigh(data.Slice(i, 4)))
            {
                return true;
            }
        }
    }

    /// <summary>True when the raw (escaped) string starts with a <c>\uDC00</c>–<c>\uDFFF</c> escape.</summary>
    internal static bool StartsWithLowEscape(ReadOnlySpan<byte> raw) =>
        raw.Length >= 6 && raw[0] == (byte)'\\' && raw[1] == (byte)'u' && (raw[2] | 0x20) == 'd' &&
        raw[3] is (byte)'c' or (byte)'d' or (byte)'e' or (byte)'f' or (byte)'C' or (byte)'D' or (byte)'E' or (byte)'F';

    private static bool IsHigh(ReadOnlySpan<byte> hex) =>
        (hex[0] | 0x20) == 'd' && hex[1] is (byte)'8' or (byte)'9' or (byte)'a' or (byte)'b' or (byte)'A' or (byte)'B';
}
