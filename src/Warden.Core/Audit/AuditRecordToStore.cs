namespace Warden.Core.Audit;

/// <summary>
/// A chained record handed to <see cref="IAuditStore.AppendAsync"/>: the row itself plus the
/// non-sensitive fields the store indexes for queries.
/// </summary>
public sealed record AuditRecordToStore(long Sequence, DateTimeOffset Timestamp, AuditEvent Event, byte[] Hash, byte[] Body)
{
    /// <summary>The row (sequence, hash, body).</summary>
    public AuditRow ToRow() => new(Sequence, Hash, Body);
}
