namespace Warden.Core.Audit;

/// <summary>Pages through a store's rows in sequence order, with one row of look-ahead.</summary>
internal sealed class AuditRowCursor(IAuditStore store, int pageSize)
{
    private IReadOnlyList<AuditRow> _page = [];
    private int _index;
    private long _nextFrom = long.MinValue;
    private bool _end;

    public async ValueTask<AuditRow?> NextAsync(CancellationToken cancellationToken)
    {
        var row = await PeekAsync(cancellationToken);
        if (row is not null)
        {
            _index++;
        }

        return row;
    }

    public async ValueTask<AuditRow?> PeekAsync(CancellationToken cancellationToken)
    {
        if (_index < _page.Count)
        {
            return _page[_index];
        }

        if (_end)
        {
            return null;
        }

        _page = await store.ReadRangeAsync(_nextFrom, pageSize, cancellationToken);
        _index = 0;
        if (_page.Count == 0)
        {
            _end = true;
            return null;
        }

        _nextFrom = _page[^1].Sequence + 1;
        return _page[0];
    }

    /// <summary>Whether a row not yet consumed carries header sequence <paramref name="sequence"/> (diagnostics only).</summary>
    public async Task<bool> ContainsLaterAsync(long sequence, CancellationToken cancellationToken)
    {
        var prev = new byte[32];
        for (var i = _index; i < _page.Count; i++)
        {
            if (AuditCanonicalJson.TryReadHeader(_page[i].Body, out var s, prev) && s == sequence)
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
}
