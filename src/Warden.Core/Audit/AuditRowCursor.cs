using System.Security.Cryptography;

namespace Warden.Core.Audit;

/// <summary>
/// Pages through a store's rows in sequence order, with one row of look-ahead. The next page is read and
/// SHA-256-hashed on another thread while the caller checks the current one (the verifier's pipeline: on two
/// cores reading + hashing and the chain checks overlap); <see cref="CurrentHash"/> is the hash of the row the
/// last <see cref="NextAsync"/> returned, computed over its stored bytes.
/// </summary>
internal sealed class AuditRowCursor(IAuditStore store, int pageSize)
{
    private const int HashSize = 32;
    private static readonly Page Empty = new([], []);
    private Page _page = Empty;
    private Task<Page>? _prefetch;
    private int _index;
    private int _current = -1;
    private long _nextFrom = long.MinValue;
    private bool _end;

    /// <summary>SHA-256 of the stored body of the row the last <see cref="NextAsync"/> returned.</summary>
    public ReadOnlySpan<byte> CurrentHash => _page.Hashes.AsSpan(_current * HashSize, HashSize);

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

    private async Task<Page> LoadAsync(long from, CancellationToken cancellationToken)
    {
        var rows = await store.ReadRangeAsync(from, pageSize, cancellationToken).ConfigureAwait(false);
        var hashes = new byte[rows.Count * HashSize];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < rows.Count; i++)
        {
            sha.AppendData(rows[i].Body);
            sha.GetHashAndReset(hashes.AsSpan(i * HashSize, HashSize));
        }

        return new Page(rows, hashes);
    }

    private sealed record Page(IReadOnlyList<AuditRow> Rows, byte[] Hashes);
}
