using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Warden.Core.Pseudonymization;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Scrubs a request body in one forward pass with <see cref="Utf8JsonReader"/>, without a DOM: every string the shared
/// <see cref="ScrubRules"/> do not keep (structural values, base64 payloads) goes through the session, at any depth; a
/// string the session changes is written JSON-encoded in place of the original token, every other byte is copied as the
/// caller sent it. Object keys are never changed. A property that occurs more than once is protected at every occurrence
/// (whichever one the provider reads, it is scrubbed). <see cref="Scrubbing.Protect"/> walks the same rules over a DOM.
/// The pass also records where the top-level <c>model</c> and <c>stream_options</c> values and the end-user id members sit
/// in the output, so each target's model, the streaming usage request and the end-user id handling are spliced in
/// without another parse.
/// </summary>
internal sealed class ScrubRewriter
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>The deepest nesting walked (the request scan's limit).</summary>
    private const int MaxDepth = 128;

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

    /// <summary>The end-user id members (offsets in <see cref="Body"/>, values as the caller sent them); null when none.</summary>
    public List<EndUserSpan>? EndUser { get; private set; }

    /// <summary>
    /// Protects <paramref name="json"/> (already validated as one JSON object by <see cref="RequestScan"/>). End-user ids
    /// are protected only when <paramref name="protectEndUser"/> (a target passes them on); else they are stripped or hashed.
    /// </summary>
    public static ScrubRewriter Protect(ReadOnlySpan<byte> json, IPseudonymizationSession session, bool protectEndUser = true)
    {
        var output = new ArrayBufferWriter<byte>(json.Length + 256);
        var copied = 0; // bytes of json already copied to output
        int modelStart = -1, modelLength = 0, models = 0, optionsStart = -1, optionsLength = 0, options = 0, rootEnd = 0;
        List<EndUserSpan>? endUser = null;
        Utf8JsonWriter? writer = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        Span<ScrubContext> contexts = stackalloc ScrubContext[MaxDepth + 2];
        Span<bool> arrays = stackalloc bool[MaxDepth + 2];
        Span<char> key = stackalloc char[128];
        var depth = 0; // open containers
        var pending = ScrubContext.Root; // the context of the next value when the parent is an object
        var nameLength = 0;
        var memberStart = 0; // output offset of the current member's property name
        var valueStart = 0; // output offset of the current depth-1 value
        while (reader.Read())
        {
            var token = reader.TokenType;
            if (token == JsonTokenType.PropertyName)
            {
                nameLength = KeyOf(ref reader, key);
                pending = ScrubRules.Member(contexts[depth - 1], key[..nameLength]);
                memberStart = output.WrittenCount + (int)reader.TokenStartIndex - copied;
                continue;
            }

            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                if (--depth == 0)
                {
                    rootEnd = (int)reader.TokenStartIndex;
                    break;
                }

                if (depth == 1 && contexts[1] == ScrubContext.StreamOptions)
                {
                    optionsLength = output.WrittenCount + (int)reader.BytesConsumed - copied - valueStart;
                }

                continue;
            }

            var context = depth == 0 ? ScrubContext.Root : arrays[depth - 1] ? ScrubRules.Element(contexts[depth - 1]) : pending;
            if (ScrubRules.Refusal(context, KindOf(token)) is { } why)
            {
                throw Scrubbing.Unscrubbable(why);
            }

            var start = output.WrittenCount + (int)reader.TokenStartIndex - copied;
            if (depth == 1)
            {
                valueStart = start;
                if (context == ScrubContext.Model)
                {
                    models++;
                    modelStart = token == JsonTokenType.String && !reader.ValueIsEscaped ? start : -1;
                    modelLength = reader.ValueSpan.Length + 2;
                }
                else if (context == ScrubContext.StreamOptions)
                {
                    options++;
                    optionsStart = start;
                }
            }

            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                contexts[depth] = context;
                arrays[depth] = token == JsonTokenType.StartArray;
                depth++;
                continue;
            }

            if (context == ScrubContext.Identity)
            {
                var original = token == JsonTokenType.String ? ReadString(ref reader) : null;
                if (original is not null && protectEndUser)
                {
                    ProtectToken(ref reader, original, json, output, ref copied, ref writer, session);
                }

                (endUser ??= []).Add(new EndUserSpan(EndUserSpan.KeyOf(contexts[depth - 1], key[..nameLength]), memberStart, start,
                    output.WrittenCount + (int)reader.BytesConsumed - copied, original));
            }
            else if (token == JsonTokenType.String && context is not (ScrubContext.Keep or ScrubContext.Model))
            {
                var text = ReadString(ref reader);
                if (context == ScrubContext.ToolName)
                {
                    Scrubbing.CheckToolName(text, session);
                }
                else if (context != ScrubContext.Media || !ScrubRules.IsBinary(text))
                {
                    ProtectToken(ref reader, text, json, output, ref copied, ref writer, session);
                }
            }

            if (depth == 1 && context == ScrubContext.StreamOptions)
            {
                optionsLength = output.WrittenCount + (int)reader.BytesConsumed - copied - start;
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
            EndUser = endUser,
        };
    }

    /// <summary>
    /// Writes the property name under the reader, unescaped, to <paramref name="buffer"/> and returns its length; 0 (no
    /// name) when it is longer than the buffer, since no key <see cref="ScrubRules"/> lists is that long even escaped.
    /// </summary>
    internal static int KeyOf(ref Utf8JsonReader reader, scoped Span<char> buffer)
    {
        var raw = reader.ValueSpan;
        if (raw.Length > buffer.Length)
        {
            return 0;
        }

        if (!reader.ValueIsEscaped && System.Text.Ascii.ToUtf16(raw, buffer, out var written) == OperationStatus.Done)
        {
            return written;
        }

        return reader.CopyString(buffer);
    }

    /// <summary>The string under the reader; 400 for one with an unpaired surrogate escape.</summary>
    internal static string ReadString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Scrubbing.InvalidString();
        }
    }

    internal static ScrubValueKind KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.String => ScrubValueKind.String,
        JsonTokenType.Number => ScrubValueKind.Number,
        JsonTokenType.True or JsonTokenType.False => ScrubValueKind.Bool,
        JsonTokenType.StartObject => ScrubValueKind.Object,
        JsonTokenType.StartArray => ScrubValueKind.Array,
        _ => ScrubValueKind.Null,
    };

    /// <summary>
    /// The body for one target: the scrubbed bytes with <paramref name="model"/> in place of the caller's model, when
    /// <paramref name="includeUsage"/> <c>"stream_options":{"include_usage":true}</c> (replacing the caller's value, or
    /// appended), and the end-user id members handled per <paramref name="endUser"/>. Null when the splice is not possible
    /// here (an escaped or repeated key): the caller then uses the DOM.
    /// </summary>
    public ReadOnlyMemory<byte>? ForTarget(string model, string? callerModel, bool includeUsage, EndUserIdMode endUser = EndUserIdMode.Pass, EndUserIdHasher? hasher = null)
    {
        if (ModelStart < 0 || (includeUsage && StreamOptionsRepeated))
        {
            return null;
        }

        var sameModel = string.Equals(model, callerModel, StringComparison.Ordinal);
        var endUserEdits = EndUser is not null && endUser != EndUserIdMode.Pass;
        if (sameModel && !includeUsage && !endUserEdits)
        {
            return Body;
        }

        var edits = new List<BodyEdit>(4);
        if (!sameModel)
        {
            edits.Add(BodyEdit.Replace(ModelStart, ModelStart + ModelLength, Quoted(JsonEncodedText.Encode(model, Encoder).EncodedUtf8Bytes)));
        }

        if (includeUsage)
        {
            edits.Add(StreamOptionsStart >= 0
                ? BodyEdit.Replace(StreamOptionsStart, StreamOptionsStart + StreamOptionsLength, "{\"include_usage\":true}"u8.ToArray())
                : BodyEdit.AppendMember(RootEnd, "\"stream_options\":{\"include_usage\":true}"u8.ToArray()));
        }

        if (endUserEdits)
        {
            foreach (var field in EndUser!)
            {
                if (field.Edit(endUser, hasher) is { } edit)
                {
                    edits.Add(edit);
                }
            }
        }

        return BodyEdit.Apply(Body.Span, edits);
    }

    internal static byte[] Quoted(ReadOnlySpan<byte> encoded)
    {
        var bytes = new byte[encoded.Length + 2];
        bytes[0] = (byte)'"';
        encoded.CopyTo(bytes.AsSpan(1));
        bytes[^1] = (byte)'"';
        return bytes;
    }

    /// <summary>Protects the string token under the reader; writes the output up to and including its replacement when it changed.</summary>
    private static void ProtectToken(ref Utf8JsonReader reader, string text, ReadOnlySpan<byte> json, ArrayBufferWriter<byte> output, ref int copied, ref Utf8JsonWriter? writer, IPseudonymizationSession session)
    {
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
