using System.Buffers;
using System.Text.Json;

namespace Warden.Core.Audit;

/// <summary>
/// Writes a record's canonical JSON straight into a reused buffer with <see cref="Utf8JsonWriter"/> (no DTO, no
/// sorted-dictionary copies, no serializer metadata): byte-for-byte the form <see cref="CanonicalAuditRecord"/>
/// serializes to (fixed property order, nulls omitted, default escaping encoder, map keys sorted ordinally,
/// <c>latencyMs</c> rounded to 3 decimals). <c>AuditRecordEncoderTests</c> proves the identity against the
/// serializer over generated events. One instance per thread: it is not thread-safe.
/// </summary>
internal sealed class AuditRecordEncoder : IDisposable
{
    private static readonly JsonEncodedText V = JsonEncodedText.Encode("v");
    private static readonly JsonEncodedText Seq = JsonEncodedText.Encode("seq");
    private static readonly JsonEncodedText Ts = JsonEncodedText.Encode("ts");
    private static readonly JsonEncodedText Prev = JsonEncodedText.Encode("prev");
    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText Principal = JsonEncodedText.Encode("principal");
    private static readonly JsonEncodedText Agent = JsonEncodedText.Encode("agent");
    private static readonly JsonEncodedText User = JsonEncodedText.Encode("user");
    private static readonly JsonEncodedText Task = JsonEncodedText.Encode("task");
    private static readonly JsonEncodedText Action = JsonEncodedText.Encode("action");
    private static readonly JsonEncodedText Provider = JsonEncodedText.Encode("provider");
    private static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
    private static readonly JsonEncodedText Decision = JsonEncodedText.Encode("decision");
    private static readonly JsonEncodedText Rule = JsonEncodedText.Encode("rule");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText LatencyMs = JsonEncodedText.Encode("latencyMs");
    private static readonly JsonEncodedText PromptTokens = JsonEncodedText.Encode("promptTokens");
    private static readonly JsonEncodedText CompletionTokens = JsonEncodedText.Encode("completionTokens");
    private static readonly JsonEncodedText Findings = JsonEncodedText.Encode("findings");
    private static readonly JsonEncodedText ContentHmac = JsonEncodedText.Encode("contentHmac");
    private static readonly JsonEncodedText Attrs = JsonEncodedText.Encode("attrs");
    private static readonly Comparison<KeyValuePair<string, int>> ByKeyInt = (a, b) => string.CompareOrdinal(a.Key, b.Key);
    private static readonly Comparison<KeyValuePair<string, string>> ByKeyString = (a, b) => string.CompareOrdinal(a.Key, b.Key);

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;
    private KeyValuePair<string, int>[] _counts = new KeyValuePair<string, int>[8];
    private KeyValuePair<string, string>[] _attrs = new KeyValuePair<string, string>[8];

    public AuditRecordEncoder()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>The canonical bytes of a record; <paramref name="previousHash"/> is the raw 32-byte SHA-256.</summary>
    public byte[] Encode(long sequence, string timestamp, ReadOnlySpan<byte> previousHash, AuditEvent e)
    {
        Span<byte> hex = stackalloc byte[previousHash.Length * 2];
        ToHexLower(previousHash, hex);
        return EncodeCore(sequence, timestamp, null, hex, e);
    }

    /// <summary>The canonical bytes of a record whose <c>prev</c> is already lower-case hex text.</summary>
    public byte[] Encode(long sequence, string timestamp, string previousHashHex, AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(previousHashHex);
        return EncodeCore(sequence, timestamp, previousHashHex, default, e);
    }

    public void Dispose() => _writer.Dispose();

    private byte[] EncodeCore(long sequence, string timestamp, string? prevText, ReadOnlySpan<byte> prevUtf8, AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        _buffer.ResetWrittenCount();
        var w = _writer;
        w.Reset(_buffer);
        w.WriteStartObject();
        w.WriteNumber(V, 1);
        w.WriteNumber(Seq, sequence);
        w.WriteString(Ts, timestamp);
        if (prevText is not null)
        {
            w.WriteString(Prev, prevText);
        }
        else
        {
            w.WriteString(Prev, prevUtf8);
        }

        Text(w, Type, e.Type);
        Text(w, Principal, e.PrincipalId);
        Text(w, Agent, e.AgentId);
        Text(w, User, e.OnBehalfOf);
        Text(w, Task, e.TaskId);
        Text(w, Action, e.Action);
        Text(w, Provider, e.Provider);
        Text(w, Model, e.Model);
        Text(w, Decision, e.Decision);
        Text(w, Rule, e.RuleId);
        if (e.Status is { } status)
        {
            w.WriteNumber(Status, status);
        }

        if (e.LatencyMs is { } latency)
        {
            w.WriteNumber(LatencyMs, Math.Round(latency, 3));
        }

        if (e.PromptTokens is { } prompt)
        {
            w.WriteNumber(PromptTokens, prompt);
        }

        if (e.CompletionTokens is { } completion)
        {
            w.WriteNumber(CompletionTokens, completion);
        }

        if (e.FindingCounts is { Count: > 0 } findings)
        {
            var n = Sorted(findings, ref _counts, ByKeyInt);
            w.WritePropertyName(Findings);
            w.WriteStartObject();
            for (var i = 0; i < n; i++)
            {
                w.WriteNumber(_counts[i].Key, _counts[i].Value);
            }

            w.WriteEndObject();
            Array.Clear(_counts, 0, n);
        }

        Text(w, ContentHmac, e.ContentHmac);
        if (e.Attributes is { Count: > 0 } attributes)
        {
            var n = Sorted(attributes, ref _attrs, ByKeyString);
            w.WritePropertyName(Attrs);
            w.WriteStartObject();
            for (var i = 0; i < n; i++)
            {
                w.WriteString(_attrs[i].Key, _attrs[i].Value);
            }

            w.WriteEndObject();
            Array.Clear(_attrs, 0, n);
        }

        w.WriteEndObject();
        w.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    private static void Text(Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static int Sorted<T>(IReadOnlyDictionary<string, T> map, ref KeyValuePair<string, T>[] buffer, Comparison<KeyValuePair<string, T>> comparison)
    {
        if (buffer.Length < map.Count)
        {
            buffer = new KeyValuePair<string, T>[Math.Max(map.Count, buffer.Length * 2)];
        }

        var n = 0;
        foreach (var pair in map)
        {
            buffer[n++] = pair;
        }

        if (n > 1)
        {
            buffer.AsSpan(0, n).Sort(comparison);
        }

        return n;
    }

    internal static void ToHexLower(ReadOnlySpan<byte> bytes, Span<byte> hex)
    {
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        for (var i = 0; i < bytes.Length; i++)
        {
            hex[2 * i] = digits[bytes[i] >> 4];
            hex[(2 * i) + 1] = digits[bytes[i] & 0xF];
        }
    }
}
