namespace Warden.Core.Audit;

/// <summary>
/// Optional fast path of an <see cref="IAuditStore"/> for the verifier: fills a reused <see cref="AuditRowPage"/>
/// (no object per row) with up to <paramref name="limit"/> rows with sequence &gt;= <paramref name="fromSequence"/>,
/// in sequence order — the same rows <see cref="IAuditStore.ReadRangeAsync"/> returns.
/// </summary>
internal interface IAuditPageReader
{
    void ReadPage(long fromSequence, int limit, AuditRowPage page);
}
