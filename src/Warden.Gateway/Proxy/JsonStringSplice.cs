using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Rewrites chosen string values of one UTF-8 JSON document in a forward pass (<see cref="OpenAIRestore"/>,
/// <see cref="AnthropicRestore"/>): the bytes before each replaced string token are copied as they were, the replacement
/// is written JSON-encoded in the token's place, and nothing is allocated until the first replacement.
/// </summary>
internal sealed class JsonStringSplice : IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private ArrayBufferWriter<byte>? _output;
    private Utf8JsonWriter? _writer;
    private int _copied;

    /// <summary>Replaces the string token <paramref name="reader"/> is on (read from a single span, <paramref name="json"/>).</summary>
    public void Replace(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, string replacement)
    {
        _output ??= new ArrayBufferWriter<byte>(json.Length + 64);
        var start = (int)reader.TokenStartIndex;
        _output.Write(json[_copied..start]);
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(_output, WriterOptions);
        }
        else
        {
            _writer.Reset(_output);
        }

        _writer.WriteStringValue(replacement);
        _writer.Flush();
        _copied = start + reader.ValueSpan.Length + 2; // the token's quotes included
    }

    /// <summary>The rewritten document, or null when nothing was replaced.</summary>
    public ReadOnlyMemory<byte>? Finish(ReadOnlySpan<byte> json)
    {
        if (_output is null)
        {
            return null;
        }

        _output.Write(json[_copied..]);
        return _output.WrittenMemory;
    }

    public void Dispose() => _writer?.Dispose();
}
