using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Warden.Core.Audit;

/// <summary>
/// Pages through a store's rows in sequence order, with one row of look-ahead. The verifier's pipeline: the next
/// page is read from the store on another thread while the current one is digested (SHA-256 of every stored body
/// and its header — sequence and <c>prev</c> — parsed) in parallel on every core, and then checked link by link.
/// Each record's hash input is its own bytes, so the hashes are independent; the links are compared afterwards,
/// in order, by the verifier. <see cref="CurrentHash"/> / <see cref="CurrentHeader"/> describe the row the last
/// <see cref="NextAsync"/> returned.
/// </summary>
internal sealed class AuditRowCursor(IAuditStore store, int pageSize)
{
    private const int HashSize = 32;
    private const int MinRowsPerTask = 512;
    private static readonly Page Empty = new([]);
    private Page _page = Empty;
    private Task<Page>? _prefetch;
    private int _index;
    private int _current = -1;
    private long _nextFrom = long.MinValue;
    private bool _end;

    /// <summary>SHA-256 of the stored body of the row the last <see cref="NextAsync"/> returned.</summary>
    public ReadOnlySpan<byte> CurrentHash => _page.Hashes.AsSpan(_current * HashSize, HashSize);

    /// <summary>
    /// The header of the row the last <see cref="NextAsync"/> returned, as <see cref="AuditCanonicalJson.TryReadHeader"/>
    /// reads it: false when the body is not canonical; else its sequence, and its <c>prev</c> in <paramref name="previousHash"/>.
    /// </summary>
    public bool CurrentHeader(out long sequence, Span<byte> previousHash)
    {
        sequence = _page.Sequences[_current];
        _page.Previous.AsSpan(_current * HashSize, HashSize).CopyTo(previousHash);
        return _page.HeaderOk[_current];
    }

    public async ValueTask<AuditRow?> NextAsync(CancellationToken cancellationToken)
    {
        var row = await PeekAsync(cancellationToken);
        if (row is not null)
        {
            _current = _index;
            _index++;
        }

        return row;
    }

    public async ValueTask<AuditRow?> PeekAsync(CancellationToken cancellationToken)
    {
        if (_index < _page.Rows.Count)
        {
            return _page.Rows[_index];
        }

        if (_end)
        {
            return null;
        }

        var page = await (_prefetch ?? LoadAsync(_nextFrom, cancellationToken));
        _prefetch = null;
        _page = page;
        _index = 0;
        _current = -1;
        if (page.Rows.Count == 0)
        {
            _end = true;
            return null;
        }

        _nextFrom = page.Rows[^1].Sequence + 1;
        var from = _nextFrom;
        _prefetch = Task.Run(() => LoadAsync(from, cancellationToken), cancellationToken);
        Digest(page);
        return page.Rows[0];
    }

    /// <summary>Whether a row not yet consumed carries header sequence <paramref name="sequence"/> (diagnostics only).</summary>
    public async Task<bool> ContainsLaterAsync(long sequence, CancellationToken cancellationToken)
    {
        var prev = new byte[32];
        for (var i = _index; i < _page.Rows.Count; i++)
        {
            if (AuditCanonicalJson.TryReadHeader(_page.Rows[i].Body, out var s, prev) && s == sequence)
            {
                return true;
            }
        }

        var from = _nextFrom;
        while (!_end)
        {
            var page = await store.ReadRangeAsync(from, pageSize, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var row in page)
            {
                if (AuditCanonicalJson.TryReadHeader(row.Body, out var s, prev) && s == sequence)
                {
                    return true;
                }
            }

            from = page[^1].Sequence + 1;
        }

        return false;
    }

    private async Task<Page> LoadAsync(long from, CancellationToken cancellationToken) =>
        new(await store.ReadRangeAsync(from, pageSize, cancellationToken).ConfigureAwait(false));

    /// <summary>Hashes every row and parses its header, in parallel slices (independent per record).</summary>
    private static void Digest(Page page)
    {
        var n = page.Rows.Count;
        var slices = Math.Clamp(n / MinRowsPerTask, 1, Environment.ProcessorCount);
        if (slices == 1)
        {
            DigestSlice(page, 0, n);
            return;
        }

        Parallel.For(0, slices, s => DigestSlice(page, (int)((long)n * s / slices), (int)((long)n * (s + 1) / slices)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DigestSlice(Page page, int from, int to)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = from; i < to; i++)
        {
            var body = page.Rows[i].Body;
            sha.AppendData(body);
            sha.GetHashAndReset(page.Hashes.AsSpan(i * HashSize, HashSize));
            page.HeaderOk[i] = AuditCanonicalJson.TryReadHeader(body, out page.Sequences[i], page.Previous.AsSpan(i * HashSize, HashSize));
        }
    }

    private sealed class Page(IReadOnlyList<AuditRow> rows)
    {
        public IReadOnlyList<AuditRow> Rows { get; } = rows;

        public byte[] Hashes { get; } = new byte[rows.Count * HashSize];

        public byte[] Previous { get; } = new byte[rows.Count * HashSize];

        public long[] Sequences { get; } = new long[rows.Count];

        public bool[] HeaderOk { get; } = new bool[rows.Count];
    }
}
