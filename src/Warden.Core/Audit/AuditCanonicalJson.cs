using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using System.Text.Json;

namespace Warden.Core.Audit;

/// <summary>Encodes records and checkpoints to their canonical JSON, hashes them, and reads them back.</summary>
internal static class AuditCanonicalJson
{
    /// <summary>The <c>prev</c> of the first record: 64 zeros.</summary>
    public static readonly string GenesisHash = new('0', 64);

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    [ThreadStatic]
    private static AuditRecordEncoder? t_encoder;

    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimestamp(string value) =>
        DateTimeOffset.ParseExact(value, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>The canonical UTF-8 JSON of a record.</summary>
    public static byte[] Encode(long sequence, DateTimeOffset timestamp, string previousHash, AuditEvent e) =>
        Encode(sequence, FormatTimestamp(timestamp), previousHash, e);

    /// <summary>The canonical UTF-8 JSON of a record whose timestamp is already formatted (one per batch).</summary>
    public static byte[] Encode(long sequence, string timestamp, string previousHash, AuditEvent e) =>
        (t_encoder ??= new AuditRecordEncoder()).Encode(sequence, timestamp, previousHash, e);

    /// <summary>
    /// The reference encoding through the source-generated serializer (<see cref="CanonicalAuditRecord"/>): the
    /// definition of the canonical form that <see cref="AuditRecordEncoder"/> must reproduce byte for byte
    /// (tests only; records written before the hand-written encoder were produced by this).
    /// </summary>
    internal static byte[] EncodeWithSerializer(long sequence, string timestamp, string previousHash, AuditEvent e)
    {
        var dto = new CanonicalAuditRecord
        {
            Sequence = sequence,
            Timestamp = timestamp,
            PreviousHash = previousHash,
            Type = e.Type,
            PrincipalId = e.PrincipalId,
            AgentId = e.AgentId,
            OnBehalfOf = e.OnBehalfOf,
            TaskId = e.TaskId,
            Action = e.Action,
            Provider = e.Provider,
            Model = e.Model,
            Decision = e.Decision,
            RuleId = e.RuleId,
            Status = e.Status,
            LatencyMs = e.LatencyMs is { } l ? Math.Round(l, 3) : null,
            PromptTokens = e.PromptTokens,
            CompletionTokens = e.CompletionTokens,
            FindingCounts = e.FindingCounts is { Count: > 0 } f ? Sorted(f) : null,
            ContentHmac = e.ContentHmac,
            Attributes = e.Attributes is { Count: > 0 } a ? Sorted(a) : null,
        };
        return JsonSerializer.SerializeToUtf8Bytes(dto, AuditJsonContext.Default.CanonicalAuditRecord);
    }

    private static SortedDictionary<string, T> Sorted<T>(IReadOnlyDictionary<string, T> map)
    {
        var sorted = new SortedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var (k, v) in map)
        {
            sorted[k] = v;
        }

        return sorted;
    }

    /// <summary>The canonical UTF-8 JSON of a checkpoint.</summary>
    public static byte[] Encode(AuditCheckpoint checkpoint) =>
        JsonSerializer.SerializeToUtf8Bytes(checkpoint, AuditJsonContext.Default.AuditCheckpoint);

    public static byte[] Hash(ReadOnlySpan<byte> body) => SHA256.HashData(body);

    /// <summary>Parses a stored row into a record (throws <see cref="JsonException"/> on a malformed body).</summary>
    public static AuditRecord Parse(AuditRow row)
    {
        var dto = JsonSerializer.Deserialize(row.Body, AuditJsonContext.Default.CanonicalAuditRecord)
            ?? throw new JsonException("empty audit record");
        return new AuditRecord
        {
            Sequence = dto.Sequence,
            Timestamp = ParseTimestamp(dto.Timestamp),
            PreviousHash = dto.PreviousHash,
            Hash = Convert.ToHexStringLower(row.Hash),
            Event = new AuditEvent
            {
                Type = dto.Type,
                PrincipalId = dto.PrincipalId,
                AgentId = dto.AgentId,
                OnBehalfOf = dto.OnBehalfOf,
                TaskId = dto.TaskId,
                Action = dto.Action,
                Provider = dto.Provider,
                Model = dto.Model,
                Decision = dto.Decision,
                RuleId = dto.RuleId,
                Status = dto.Status,
                LatencyMs = dto.LatencyMs,
                PromptTokens = dto.PromptTokens,
                CompletionTokens = dto.CompletionTokens,
                FindingCounts = dto.FindingCounts,
                ContentHmac = dto.ContentHmac,
                Attributes = dto.Attributes,
            },
        };
    }

    public static AuditCheckpoint ParseCheckpoint(byte[] body) =>
        JsonSerializer.Deserialize(body, AuditJsonContext.Default.AuditCheckpoint) ?? throw new JsonException("empty checkpoint");

    /// <summary>
    /// Reads the fixed header <c>{"v":1,"seq":N,"ts":"…","prev":"hex",…</c> without parsing the rest:
    /// the verifier's hot path. Returns false when the body is not in canonical form.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryReadHeader(ReadOnlySpan<byte> body, out long sequence, Span<byte> previousHash) =>
        TryReadCanonicalHeader(body, out sequence, previousHash) || TryReadHeaderWithReader(body, out sequence, previousHash);

    /// <summary>
    /// The fast path: the exact bytes the encoder writes (<c>{"v":1,"seq":</c>digits<c>,"ts":"</c>…<c>","prev":"</c>64 hex<c>"</c>),
    /// no JSON reader. Anything else falls through to <see cref="TryReadHeaderWithReader"/>, which decides.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryReadCanonicalHeader(ReadOnlySpan<byte> body, out long sequence, Span<byte> previousHash)
    {
        sequence = 0;
        ReadOnlySpan<byte> start = "{\"v\":1,\"seq\":"u8;
        ReadOnlySpan<byte> ts = ",\"ts\":\""u8;
        ReadOnlySpan<byte> prev = "\",\"prev\":\""u8;
        if (!body.StartsWith(start))
        {
            return false;
        }

        var i = start.Length;
        var digits = 0;
        long value = 0;
        while (i < body.Length && (uint)(body[i] - '0') <= 9)
        {
            if (++digits > 18 || (digits == 2 && value == 0))
            {
                return false; // long values and leading zeros: the reader decides
            }

            value = (value * 10) + (body[i] - '0');
            i++;
        }

        if (digits == 0 || !body[i..].StartsWith(ts))
        {
            return false;
        }

        i += ts.Length;
        var end = body[i..].IndexOfAny((byte)'"', (byte)'\\');
        if (end < 0 || body[i + end] != '"' || body.Slice(i, end).IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0)
        {
            return false;
        }

        i += end;
        if (!body[i..].StartsWith(prev) || body.Length < i + prev.Length + 65 || body[i + prev.Length + 64] != '"')
        {
            return false;
        }

        sequence = value;
        return TryDecodeHex(body.Slice(i + prev.Length, 64), previousHash);
    }

    internal static bool TryReadHeaderWithReader(ReadOnlySpan<byte> body, out long sequence, Span<byte> previousHash)
    {
        sequence = 0;
        var reader = new Utf8JsonReader(body);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject
                || !Property(ref reader, "v"u8) || !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var v) || v != 1
                || !Property(ref reader, "seq"u8) || !reader.Read() || !reader.TryGetInt64(out sequence)
                || !Property(ref reader, "ts"u8) || !reader.Read() || reader.TokenType != JsonTokenType.String
                || !Property(ref reader, "prev"u8) || !reader.Read() || reader.TokenType != JsonTokenType.String
                || reader.ValueIsEscaped || reader.ValueSpan.Length != 64)
            {
                return false;
            }

            return TryDecodeHex(reader.ValueSpan, previousHash);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool Property(ref Utf8JsonReader reader, ReadOnlySpan<byte> name) =>
        reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(name);

    /// <summary>Decodes lower-case hex only (the canonical form): false for any other byte, upper case included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryDecodeHex(ReadOnlySpan<byte> hex, Span<byte> destination)
    {
        if (hex.Length < 2 * destination.Length)
        {
            return false;
        }

        var i = 0;
        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            // 16 hex digits -> 8 bytes per step: classify, map to nibbles, join each pair (first digit = high nibble).
            for (; i + 16 <= destination.Length * 2; i += 16)
            {
                var v = Vector128.Create(hex.Slice(i, 16));
                var digit = v - Vector128.Create((byte)'0');
                var letter = v - Vector128.Create((byte)'a');
                var isDigit = Vector128.LessThanOrEqual(digit, Vector128.Create((byte)9));
                var isLetter = Vector128.LessThanOrEqual(letter, Vector128.Create((byte)5));
                if ((isDigit | isLetter) != Vector128<byte>.AllBitsSet)
                {
                    return false;
                }

                var nibbles = Vector128.ConditionalSelect(isDigit, digit, letter + Vector128.Create((byte)10)).AsUInt16();
                var pairs = ((nibbles & Vector128.Create((ushort)0x0F)) << 4) | (nibbles >> 8);
                Vector128.Narrow(pairs, pairs).GetLower().CopyTo(destination[(i / 2)..]);
            }
        }

        var bad = 0;
        for (; i < destination.Length * 2; i += 2)
        {
            int hi = LowerHexValue[hex[i]];
            int lo = LowerHexValue[hex[i + 1]];
            bad |= hi | lo;
            destination[i / 2] = (byte)((hi << 4) | lo);
        }

        return bad >= 0;
    }

    /// <summary>0..15 for '0'..'9' and 'a'..'f' (lower-case only: the canonical form), -1 for every other byte.</summary>
    private static ReadOnlySpan<sbyte> LowerHexValue =>
    [
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    ];
}
