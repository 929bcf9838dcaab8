using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// The journal's frame format: magic, payload length, epoch, checksum (over length, epoch and payload), payload (per
/// record: seq, ts ms, hash, body, the six indexed columns), padded to whole 4 KB pages. The checksum detects torn
/// writes only; tampering is caught by <see cref="Verify"/> (the chain itself).
/// </summary>
internal static class SqliteAuditJournalFrames
{
    public const int Page = 4096;
    public const int Header = 4 + 4 + 8 + 8;
    private const uint FrameMagic = 0x31464A57; // "WJF1"

    /// <summary>The padded size of the frame holding <paramref name="records"/>.</summary>
    public static int Size(IReadOnlyList<AuditRecordToStore> records, out int unpadded)
    {
        var size = Header;
        foreach (var r in records)
        {
            var e = r.Event;
            size += 8 + 8 + 32 + 4 + r.Body.Length + (6 * 4)
                + Len(e.Type) + Len(e.AgentId) + Len(e.OnBehalfOf) + Len(e.TaskId) + Len(e.Decision) + Len(e.Provider);
        }

        unpadded = size;
        return Align(size);
    }

    public static int Align(int size) => (size + Page - 1) & ~(Page - 1);

    /// <summary>Encodes the frame into <paramref name="frame"/> (its padded length, from <see cref="Size"/>).</summary>
    public static void Encode(IReadOnlyList<AuditRecordToStore> records, ulong epoch, Span<byte> frame, int unpadded)
    {
        var p = Header;
        foreach (var r in records)
        {
            BinaryPrimitives.WriteInt64LittleEndian(frame[p..], r.Sequence);
            BinaryPrimitives.WriteInt64LittleEndian(frame[(p + 8)..], r.Timestamp.ToUnixTimeMilliseconds());
            r.Hash.CopyTo(frame[(p + 16)..]);
            BinaryPrimitives.WriteInt32LittleEndian(frame[(p + 48)..], r.Body.Length);
            r.Body.CopyTo(frame[(p + 52)..]);
            p += 52 + r.Body.Length;
            var e = r.Event;
            p = Text(frame, p, e.Type);
            p = Text(frame, p, e.AgentId);
            p = Text(frame, p, e.OnBehalfOf);
            p = Text(frame, p, e.TaskId);
            p = Text(frame, p, e.Decision);
            p = Text(frame, p, e.Provider);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(frame, FrameMagic);
        BinaryPrimitives.WriteInt32LittleEndian(frame[4..], unpadded - Header);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[8..], epoch);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[16..], Checksum(frame[4..16], frame[Header..unpadded]));
        frame[unpadded..].Clear(); // a write that covers its whole page never reads the page first
    }

    /// <summary>
    /// The payload length when <paramref name="header"/> starts a complete frame of <paramref name="epoch"/> that fits
    /// below <paramref name="limit"/> bytes from its start, else -1 (end of the epoch's frames: a torn or stale tail).
    /// </summary>
    public static int PayloadLength(ReadOnlySpan<byte> header, ulong epoch, long limit)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        return BinaryPrimitives.ReadUInt32LittleEndian(header) == FrameMagic && BinaryPrimitives.ReadUInt64LittleEndian(header[8..]) == epoch
            && length > 0 && Header + (long)length <= limit
            ? length
            : -1;
    }

    public static bool ChecksumMatches(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        Checksum(header[4..16], payload) == BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);

    /// <summary>The records of a frame whose checksum matched; null when the payload does not parse (treated as tampering).</summary>
    public static List<AuditRecordToStore>? Decode(byte[] payload)
    {
        var records = new List<AuditRecordToStore>();
        var p = 0;
        try
        {
            while (p < payload.Length)
            {
                var seq = BinaryPrimitives.ReadInt64LittleEndian(payload.AsSpan(p));
                var ts = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(payload.AsSpan(p + 8)));
                var hash = payload.AsSpan(p + 16, 32).ToArray();
                var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(p + 48));
                var body = payload.AsSpan(p + 52, bodyLength).ToArray();
                p += 52 + bodyLength;
                var e = new AuditEvent
                {
                    Type = ReadText(payload, ref p) ?? "",
                    AgentId = ReadText(payload, ref p),
                    OnBehalfOf = ReadText(payload, ref p),
                    TaskId = ReadText(payload, ref p),
                    Decision = ReadText(payload, ref p),
                    Provider = ReadText(payload, ref p),
                };
                records.Add(new AuditRecordToStore(seq, ts, e, hash, body));
            }
        }
        catch (Exception ex) when (ex is ArgumentException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return null;
        }

        return records.Count > 0 ? records : null;
    }

    /// <summary>
    /// The journaled records SQLite lacks, after checking every one: those at or below <paramref name="head"/> must be
    /// stored with the same hash (<paramref name="storedHash"/>); the rest must continue the chain one by one (seq,
    /// SHA-256 of the body, the body's own seq and prev). Anything else throws (fail closed, never a silent skip).
    /// </summary>
    public static List<AuditRecordToStore> Verify(List<AuditRecordToStore> journaled, AuditChainHead head, Func<long, byte[]?> storedHash)
    {
        var missing = new List<AuditRecordToStore>();
        var prev = head.Hash;
        var bodyPrev = new byte[32];
        for (var i = 0; i < journaled.Count; i++)
        {
            var r = journaled[i];
            if (i > 0 && r.Sequence != journaled[i - 1].Sequence + 1)
            {
                throw Broken(r.Sequence, "sequence numbers do not follow each other");
            }

            if (r.Sequence <= head.Sequence)
            {
                if (storedHash(r.Sequence) is not { } stored || !stored.AsSpan().SequenceEqual(r.Hash))
                {
                    throw Broken(r.Sequence, "a journaled record differs from the stored one");
                }

                continue;
            }

            if (r.Sequence != head.Sequence + 1 + missing.Count || !SHA256.HashData(r.Body).AsSpan().SequenceEqual(r.Hash)
                || !AuditCanonicalJson.TryReadHeader(r.Body, out var bodySeq, bodyPrev) || bodySeq != r.Sequence || !bodyPrev.AsSpan().SequenceEqual(prev))
            {
                throw Broken(r.Sequence, "a journaled record does not continue the chain");
            }

            missing.Add(r);
            prev = r.Hash;
        }

        return missing;
    }

    private static AuditUnavailableException Broken(long seq, string what) =>
        new($"the audit journal is inconsistent at sequence {seq} ({what}): refusing to use it; see docs/audit.md, \"The append journal\"");

    private static int Len(string? s) => s is null ? 0 : Encoding.UTF8.GetByteCount(s);

    private static int Text(Span<byte> span, int p, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[p..], -1);
            return p + 4;
        }

        var n = Encoding.UTF8.GetBytes(value, span[(p + 4)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[p..], n);
        return p + 4 + n;
    }

    private static string? ReadText(byte[] payload, ref int p)
    {
        var n = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(p));
        p += 4;
        if (n < 0)
        {
            return null;
        }

        var s = Encoding.UTF8.GetString(payload, p, n);
        p += n;
        return s;
    }

    // 8 bytes at a time, multiply-rotate: torn-write detection only.
    private static ulong Checksum(ReadOnlySpan<byte> head, ReadOnlySpan<byte> payload)
    {
        var h = 0x9E3779B97F4A7C15UL ^ (ulong)payload.Length;
        h = Mix(h, BinaryPrimitives.ReadUInt64LittleEndian(head));
        h = Mix(h, BinaryPrimitives.ReadUInt32LittleEndian(head[8..]));
        var i = 0;
        for (; i + 8 <= payload.Length; i += 8)
        {
            h = Mix(h, BinaryPrimitives.ReadUInt64LittleEndian(payload[i..]));
        }

        ulong tail = 0;
        for (var k = 0; i + k < payload.Length; k++)
        {
            tail |= (ulong)payload[i + k] << (8 * k);
        }

        return Mix(h, tail);

        static ulong Mix(ulong h, ulong w) => BitOperations.RotateLeft((h ^ w) * 0xC2B2AE3D27D4EB4FUL, 31) * 0x165667B19E3779F9UL;
    }
}
