using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Warden.Core.Pseudonymization;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Scrubs an OpenAI-shaped request body in one forward pass with <see cref="Utf8JsonReader"/>, without a DOM: every
/// string <see cref="Scrubbing.Protect"/> would protect (<c>messages[].content</c> as a string or its parts'
/// <c>text</c>, <c>messages[].tool_calls[].function.arguments</c>, <c>input</c> as a string or an array of strings)
/// goes through the session; a string the session changes is written JSON-encoded in place of the original token,
/// every other byte is copied as the caller sent it. A property that occurs more than once is protected at every
/// occurrence (whichever one the provider reads, it is scrubbed).
/// The pass also records where the top-level <c>model</c> and <c>stream_options</c> values sit in the output, so a
/// target's model and the streaming usage request are spliced in without another parse.
/// </summary>
internal sealed class ScrubRewriter
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private ScrubRewriter(ReadOnlyMemory<byte> body) => Body = body;

    /// <summary>The scrubbed body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Start and length of the single top-level <c>model</c> string token (quotes included) in <see cref="Body"/>; -1 when absent, escaped or repeated.</summary>
    public int ModelStart { get; private set; } = -1;

    public int ModelLength { get; private set; }

    /// <summary>Start and length of the single top-level <c>stream_options</c> value; -1 when absent.</summary>
    public int StreamOptionsStart { get; private set; } = -1;

    public int StreamOptionsLength { get; private set; }

    /// <summary>More than one top-level <c>stream_options</c> (the splice is then left to the DOM path).</summary>
    public bool StreamOptionsRepeated { get; private set; }

    /// <summary>Offset of the root object's closing brace in <see cref="Body"/>.</summary>
    public int RootEnd { get; private set; }

    /// <summary>Protects <paramref name="json"/> (already validated as one JSON object by <see cref="RequestScan"/>).</summary>
    public static ScrubRewriter Protect(ReadOnlySpan<byte> json, IPseudonymizationSession session)
    {
        var output = new ArrayBufferWriter<byte>(json.Length + 256);
        var copied = 0; // bytes of json already copied to output
        int modelStart = -1, modelLength = 0, models = 0, optionsStart = -1, optionsLength = 0, options = 0, rootEnd = 0;
        Utf8JsonWriter? writer = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 128 });
        reader.Read(); // StartObject
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
            {
                rootEnd = (int)reader.TokenStartIndex;
                break;
            }

            // Depth 1 property names only (values are skipped or walked below).
            if (reader.ValueTextEquals("messages"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    Messages(ref reader, json, output, ref copied, ref writer, session);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("input"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    ProtectToken(ref reader, json, output, ref copied, ref writer, session);
                }
                else if (reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            ProtectToken(ref reader, json, output, ref copied, ref writer, session);
                        }
                        else if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            throw Scrubbing.Unscrubbable("'input' items must be strings or token arrays");
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else if (reader.TokenType == JsonTokenType.Null)
                {
                    reader.Skip();
                }
                else
                {
                    throw Scrubbing.Unscrubbable("'input' must be a string");
                }
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                models++;
                if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                {
                    modelStart = output.WrittenCount + (int)reader.TokenStartIndex - copied;
                    modelLength = reader.ValueSpan.Length + 2;
                }
                else
                {
                    modelStart = -1;
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("stream_options"u8))
            {
                reader.Read();
                options++;
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                optionsStart = output.WrittenCount + start - copied;
                optionsLength = (int)reader.BytesConsumed - start;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        writer?.Dispose();
        var rootEndOut = output.WrittenCount + rootEnd - copied;
        output.Write(json[copied..]);
        return new ScrubRewriter(output.WrittenMemory)
        {
            ModelStart = models == 1 ? modelStart : -1,
            ModelLength = modelLength,
            StreamOptionsStart = options == 1 ? optionsStart : -1,
            StreamOptionsLength = optionsLength,
            StreamOptionsRepeated = options > 1,
            RootEnd = rootEndOut,
        };
    }

    /// <summary>
    /// The body for one target: the scrubbed bytes with <paramref name="model"/> in place of the caller's model and, when
    /// <paramref name="includeUsage"/>, <c>"stream_options":{"include_usage":true}</c> (replacing the caller's value, or
    /// appended). Null when the splice is not possible here (an escaped or repeated key): the caller then uses the DOM.
    /// </summary>
    public ReadOnlyMemory<byte>? ForTarget(string model, string? callerModel, bool includeUsage)
    {
        if (ModelStart < 0 || (includeUsage && StreamOptionsRepeated))
        {
            return null;
        }

        var sameModel = string.Equals(model, callerModel, StringComparison.Ordinal);
        if (sameModel && !includeUsage)
        {
            return Body;
        }

        ReadOnlySpan<byte> usage = "{\"include_usage\":true}"u8;
        var encodedModel = sameModel ? default : JsonEncodedText.Encode(model, Encoder).EncodedUtf8Bytes;
        var output = new ArrayBufferWriter<byte>(Body.Length + encodedModel.Length + usage.Length + 24);
        var body = Body.Span;
        var at = 0;
        var optionsAt = !includeUsage ? int.MaxValue : StreamOptionsStart >= 0 ? StreamOptionsStart : RootEnd;
        if (!sameModel && ModelStart < optionsAt)
        {
            at = SpliceModel(output, body, at, encodedModel);
        }

        if (includeUsage)
        {
            output.Write(body[at..optionsAt]);
            if (StreamOptionsStart >= 0)
            {
                output.Write(usage);
                at = StreamOptionsStart + StreamOptionsLength;
            }
            else
            {
                output.Write(",\"stream_options\":"u8);
                output.Write(usage);
                at = RootEnd;
            }
        }

        if (!sameModel && ModelStart > optionsAt)
        {
            at = SpliceModel(output, body, at, encodedModel);
        }

        output.Write(body[at..]);
        return output.WrittenMemory;
    }

    private int SpliceModel(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> body, int at, ReadOnlySpan<byte> encodedModel)
    {
        output.Write(body[at..ModelStart]);
        output.Write("\""u8);
        output.Write(encodedModel);
        output.Write("\""u8);
        return ModelStart + ModelLength;
    }

    private static void Messages(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ArrayBufferWriter<byte> output, ref int copied, ref Utf8JsonWriter? writer, IPseudonymizationSession session)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Scrubbing.Unscrubbable("each message must be an object");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        ProtectToken(ref reader, json, output, ref copied, ref writer, session);
                    }
                    else if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (reader.TokenType != JsonTokenType.StartObject)
                            {
                                throw Scrubbing.Unscrubbable("each content part must be an object");
                            }

                            Member(ref reader, "text"u8, json, output, ref copied, ref writer, session);
                        }
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        throw Scrubbing.Unscrubbable("'content' must be a string, an array of parts or null");
                    }
                }
                else if (reader.ValueTextEquals("tool_calls"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        continue;
                    }

                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw Scrubbing.Unscrubbable("'tool_calls' must be an array");
                    }

                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            throw Scrubbing.Unscrubbable("each tool call must be an object with a 'function' object");
                        }

                        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                        {
                            var isFunction = reader.ValueTextEquals("function"u8);
                            reader.Read();
                            if (isFunction && reader.TokenType == JsonTokenType.StartObject)
                            {
                                Member(ref reader, "arguments"u8, json, output, ref copied, ref writer, session);
                            }
                            else if (isFunction && reader.TokenType != JsonTokenType.Null)
                            {
                                throw Scrubbing.Unscrubbable("each tool call must be an object with a 'function' object");
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
    }

    /// <summary>Walks one object (reader on its StartObject), protecting the string value of every <paramref name="name"/> member.</summary>
    private static void Member(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ReadOnlySpan<byte> json, ArrayBufferWriter<byte> output, ref int copied, ref Utf8JsonWriter? writer, IPseudonymizationSession session)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            if (match && reader.TokenType == JsonTokenType.String)
            {
                ProtectToken(ref reader, json, output, ref copied, ref writer, session);
            }
            else if (match && reader.TokenType != JsonTokenType.Null)
            {
                throw Scrubbing.Unscrubbable($"'{System.Text.Encoding.UTF8.GetString(name)}' must be a string");
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>Protects the string token under the reader; writes the output up to and including its replacement when it changed.</summary>
    private static void ProtectToken(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ArrayBufferWriter<byte> output, ref int copied, ref Utf8JsonWriter? writer, IPseudonymizationSession session)
    {
        var text = reader.GetString()!;
        var protectedText = session.Protect(text);
        if (ReferenceEquals(protectedText, text) || string.Equals(protectedText, text, StringComparison.Ordinal))
        {
            return;
        }

        var start = (int)reader.TokenStartIndex;
        output.Write(json[copied..start]);
        if (writer is null)
        {
            writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = Encoder, SkipValidation = true });
        }
        else
        {
            writer.Reset(output);
        }

        writer.WriteStringValue(protectedText);
        writer.Flush();

        copied = start + reader.ValueSpan.Length + 2; // the token's quotes included (ValueSpan is the raw, escaped value)
    }
}
