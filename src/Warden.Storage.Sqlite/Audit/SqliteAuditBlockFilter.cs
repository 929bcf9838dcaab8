namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// A Bloom filter over the agent, user and task ids of one block of <see cref="BlockSize"/> consecutive records
/// (block <c>b</c> holds sequences <c>b*1024+1 .. (b+1)*1024</c>), stored as one row of <c>audit_blocks</c> when the
/// block is complete. It replaces three B-tree indexes whose random leaf pages every group commit rewrote into the
/// WAL (≈ 3 pages, 12 KB of WAL per record at 50 records per commit): a filtered query reads the block filters in
/// order and scans only the blocks that may hold a match. 32,768 bits and 4 probes: ≈ 1 % false positives at
/// 3,072 distinct ids per block (every id distinct), far fewer in practice. The hash (FNV-1a 64 over the UTF-16
/// code units, double hashing) is persisted, so it must never change.
/// </summary>
internal sealed class SqliteAuditBlockFilter
{
    public const int BlockSize = 1024;
    public const int Bytes = 4096;
    private const int Bits = Bytes * 8;
    private const int Probes = 4;

    public SqliteAuditBlockFilter(byte[]? bits = null)
    {
        Data = bits is { Length: Bytes } ? bits : new byte[Bytes];
    }

    /// <summary>The filter's bits (the stored blob).</summary>
    public byte[] Data { get; }

    public static long BlockOf(long sequence) => (sequence - 1) / BlockSize;

    public static long FirstSequence(long block) => (block * BlockSize) + 1;

    public static long LastSequence(long block) => (block + 1) * BlockSize;

    public void Add(SqliteAuditKey key, string? value)
    {
        if (value is null)
        {
            return;
        }

        var (h1, h2) = Hash(key, value);
        for (var i = 0; i < Probes; i++)
        {
            var bit = (int)((h1 + ((ulong)i * h2)) % Bits);
            Data[bit >> 3] |= (byte)(1 << (bit & 7));
        }
    }

    public bool MayContain(SqliteAuditKey key, string value)
    {
        var (h1, h2) = Hash(key, value);
        for (var i = 0; i < Probes; i++)
        {
            var bit = (int)((h1 + ((ulong)i * h2)) % Bits);
            if ((Data[bit >> 3] & (1 << (bit & 7))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    public void Clear() => Array.Clear(Data);

    private static (ulong H1, ulong H2) Hash(SqliteAuditKey key, string value)
    {
        const ulong Offset = 14695981039346656037UL;
        const ulong Prime = 1099511628211UL;
        var h = (Offset ^ (ulong)key) * Prime;
        foreach (var c in value)
        {
            h = (h ^ (c & 0xFFu)) * Prime;
            h = (h ^ (uint)(c >> 8)) * Prime;
        }

        // Second hash: a 64-bit finaliser (splitmix64) of the first; odd so the probes never collapse onto one bit.
        var z = h + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (h, z | 1);
    }
}

/// <summary>Which id a block filter entry is (part of the persisted hash: never renumber).</summary>
internal enum SqliteAuditKey
{
    Agent = 1,
    User = 2,
    Task = 3,
}
