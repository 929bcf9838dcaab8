using System.Runtime.CompilerServices;

namespace Warden.Core.Audit;

/// <summary>
/// A page of stored rows for the verifier, in one reused arena (sequence numbers, stored hashes, bodies back to back)
/// plus what the verifier computes per row (SHA-256 of the body, its header). Refilled page after page: no
/// allocation per record once the buffers have grown to the page's size.
/// </summary>
internal sealed class AuditRowPage
{
    public const int HashSize = 32;
    private byte[] _arena = new byte[64 * 1024];
    private bool[] _storedHashOk = new bool[256];
    private int _used;

    public int Count { get; private set; }

    public long[] Sequences { get; private set; } = new long[256];

    public byte[] StoredHashes { get; private set; } = new byte[256 * HashSize];

    public int[] Offsets { get; private set; } = new int[257];

    public byte[] Hashes { get; private set; } = new byte[256 * HashSize];

    public byte[] Previous { get; private set; } = new byte[256 * HashSize];

    public long[] HeaderSequences { get; private set; } = new long[256];

    public bool[] HeaderOk { get; private set; } = new bool[256];

    /// <summary>Empties the page and makes room for <paramref name="rows"/> rows without growing row by row.</summary>
    public void Clear(int rows)
    {
        while (Sequences.Length < rows)
        {
            Grow();
        }

        Count = 0;
        _used = 0;
        Offsets[0] = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per row; a one-shot verify should not run it at tier 0
    public void Add(long sequence, ReadOnlySpan<byte> storedHash, ReadOnlySpan<byte> body)
    {
        if (Count == Sequences.Length)
        {
            Grow();
        }

        if (_used + body.Length > _arena.Length)
        {
            // Grow once to what the whole page will need at the average row size so far, not by doubling.
            var estimate = (long)(_used + body.Length) * Math.Max(Sequences.Length, Count + 1) / (Count + 1) * 9 / 8;
            var target = Math.Max(Math.Max(estimate, _arena.Length * 2L), _used + (long)body.Length);
            Array.Resize(ref _arena, (int)Math.Min(target, Array.MaxLength));
        }

        Sequences[Count] = sequence;
        var hash = StoredHashes.AsSpan(Count * HashSize, HashSize);
        hash.Clear();
        storedHash[..Math.Min(storedHash.Length, HashSize)].CopyTo(hash);
        _storedHashOk[Count] = storedHash.Length == HashSize;
        body.CopyTo(_arena.AsSpan(_used));
        _used += body.Length;
        Count++;
        Offsets[Count] = _used;
    }

    public ReadOnlySpan<byte> Body(int i) => _arena.AsSpan(Offsets[i], Offsets[i + 1] - Offsets[i]);

    /// <summary>The stored hash as the store holds it (a wrong-length hash never equals a computed one).</summary>
    public ReadOnlySpan<byte> StoredHash(int i) => _storedHashOk[i] ? StoredHashes.AsSpan(i * HashSize, HashSize) : [];

    public AuditRow ToRow(int i) => new(Sequences[i], StoredHash(i).ToArray(), Body(i).ToArray());

    private void Grow()
    {
        var n = Sequences.Length * 2;
        Sequences = Resized(Sequences, n);
        StoredHashes = Resized(StoredHashes, n * HashSize);
        Offsets = Resized(Offsets, n + 1);
        Hashes = Resized(Hashes, n * HashSize);
        Previous = Resized(Previous, n * HashSize);
        HeaderSequences = Resized(HeaderSequences, n);
        HeaderOk = Resized(HeaderOk, n);
        _storedHashOk = Resized(_storedHashOk, n);
    }

    private static T[] Resized<T>(T[] array, int length)
    {
        Array.Resize(ref array, length);
        return array;
    }
}
