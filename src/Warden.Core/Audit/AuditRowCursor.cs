using System.Runtime.CompilerServices;

namespace Warden.Core.Audit;

/// <summary>
/// Pages through a store's rows in sequence order, with one row of look-ahead. The verifier's pipeline: the next
/// page is read from the store on another thread while the current one is digested (SHA-256 of every stored body
/// and its header — sequence and <c>prev</c> — parsed) in parallel on every core, and then checked link by link.
/// Each record's hash input is its own bytes, so the hashes are independent; the links are compared afterwards,
/// in order, by the verifier. Two <see cref="AuditRowPage"/> buffers alternate (read / check), so a store that
/// implements <see cref="IAuditPageReader"/> is read without an object per record. The <c>Current…</c> members
/// describe the row the last <see cref="NextAsync"/> returned, until the next <see cref="NextAsync"/> or
/// <see cref="PeekAsync"/>.
/// </summary>
internal sealed class AuditRowCursor(IAuditStore store, int pageSize) : IAsyncDisposable
{
    private const int HashSize = AuditRowPage.HashSize;
    private const int MinRowsPerTask = 512;
    private AuditRowPage _page = new();
    private AuditRowPage _spare = new();
    private Task? _prefetch;
    private int _index;
    private int _current = -1;
    private long _nextFrom = long.MinValue;
    private bool _end;

    /// <summary>The sequence column of the current row.</summary>
    public long CurrentSequence => _page.Sequences[_current];

    /// <summary>The hash the store holds for the current row.</summary>
    public ReadOnlySpan<byte> CurrentStoredHash => _page.StoredHash(_current);

    /// <summary>SHA-256 of the stored body of the current row.</summary>
    public ReadOnlySpan<byte> CurrentHash => _page.Hashes.AsSpan(_current * HashSize, HashSize);

    /// <summary>
    /// The header of the current row, as <see cref="AuditCanonicalJson.TryReadHeader"/> reads it: false when the body
    /// is not canonical; else its sequence, and its <c>prev</c> in <paramref name="previousHash"/>.
    /// </summary>
    public bool CurrentHeader(out long sequence, Span<byte> previousHash)
    {
        sequence = _page.HeaderSequences[_current];
        _page.Previous.AsSpan(_current * HashSize, HashSize).CopyTo(previousHash);
        return _page.HeaderOk[_current];
    }

    /// <summary>Moves to the next row; false at the end.</summary>
    public async ValueTask<bool> NextAsync(CancellationToken cancellationToken)
    {
        if (_index >= _page.Count && !await LoadNextPageAsync(cancellationToken))
        {
            return false;
        }

        _current = _index;
        _index++;
        return true;
    }

    /// <summary>The row after the current one, without moving (diagnostics only: allocates).</summary>
    public async ValueTask<AuditRow?> PeekAsync(CancellationToken cancellationToken)
    {
        if (_index >= _page.Count && !await LoadNextPageAsync(cancellationToken))
        {
            return null;
        }

        return _page.ToRow(_index);
    }

    /// <summary>Whether a row not yet consumed carries header sequence <paramref name="sequence"/> (diagnostics only).</summary>
    public async Task<bool> ContainsLaterAsync(long sequence, CancellationToken cancellationToken)
    {
        var prev = new byte[32];
        for (var i = _index; i < _page.Count; i++)
        {
            if (AuditCanonicalJson.TryReadHeader(_page.Body(i), out var s, prev) && s == sequence)
            {
                return true;
            }
        }

        if (_prefetch is not null)
        {
            await _prefetch; // let the read in flight finish before reading on our own
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

    /// <summary>Waits for a page read still in flight (its failure no longer matters: the verdict is in).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_prefetch is { } prefetch)
        {
            _prefetch = null;
            try
            {
                await prefetch.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // the read ahead of a verdict: its outcome is not used
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private async ValueTask<bool> LoadNextPageAsync(CancellationToken cancellationToken)
    {
        if (_end)
        {
            return false;
        }

        if (_prefetch is null)
        {
            await LoadAsync(_spare, _nextFrom, cancellationToken);
        }
        else
        {
            await _prefetch;
            _prefetch = null;
        }

        (_page, _spare) = (_spare, _page);
        _index = 0;
        _current = -1;
        if (_page.Count == 0)
        {
            _end = true;
            return false;
        }

        _nextFrom = _page.Sequences[_page.Count - 1] + 1;
        var from = _nextFrom;
        var spare = _spare;
        _prefetch = Task.Run(() => LoadAsync(spare, from, cancellationToken), cancellationToken);
        Digest(_page);
        return true;
    }

    private async Task LoadAsync(AuditRowPage page, long from, CancellationToken cancellationToken)
    {
        page.Clear(pageSize);
        if (store is IAuditPageReader reader)
        {
            reader.ReadPage(from, pageSize, page);
            return;
        }

        foreach (var row in await store.ReadRangeAsync(from, pageSize, cancellationToken).ConfigureAwait(false))
        {
            page.Add(row.Sequence, row.Hash, row.Body);
        }
    }

    /// <summary>Hashes every row and parses its header, in parallel slices (independent per record).</summary>
    private static void Digest(AuditRowPage page)
    {
        var n = page.Count;
        var slices = Math.Clamp(n / MinRowsPerTask, 1, Environment.ProcessorCount);
        if (slices == 1)
        {
            DigestSlice(page, 0, n);
            return;
        }

        Parallel.For(0, slices, s => DigestSlice(page, (int)((long)n * s / slices), (int)((long)n * (s + 1) / slices)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DigestSlice(AuditRowPage page, int from, int to)
    {
        using var sha = new AuditSha256.Hasher();
        for (var i = from; i < to; i++)
        {
            var body = page.Body(i);
            sha.Hash(body, page.Hashes.AsSpan(i * HashSize, HashSize));
            page.HeaderOk[i] = AuditCanonicalJson.TryReadHeader(body, out page.HeaderSequences[i], page.Previous.AsSpan(i * HashSize, HashSize));
        }
    }
}
