namespace Warden.Core.Audit;

/// <summary>
/// Persistence of the hash chain. Implementations: SQLite (embedded) and PostgreSQL. A store never
/// computes hashes or signatures; it persists what the trail built, atomically per batch.
/// </summary>
public interface IAuditStore
{
    /// <summary>Creates tables and indexes if missing.</summary>
    Task EnsureCreatedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="records"/> (contiguous sequence numbers) and the optional checkpoint in
    /// ONE durable transaction. Throws <see cref="AuditConflictException"/> if a sequence number is taken.
    /// </summary>
    Task AppendAsync(IReadOnlyList<AuditRecordToStore> records, AuditCheckpointRow? checkpoint, CancellationToken cancellationToken);

    /// <summary>The last record and last checkpoint.</summary>
    Task<AuditChainHead> ReadHeadAsync(CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> rows with sequence &gt;= <paramref name="fromSequence"/>, in sequence order.</summary>
    Task<IReadOnlyList<AuditRow>> ReadRangeAsync(long fromSequence, int limit, CancellationToken cancellationToken);

    /// <summary>Every checkpoint, in sequence order.</summary>
    Task<IReadOnlyList<AuditCheckpointRow>> ReadCheckpointsAsync(CancellationToken cancellationToken);

    /// <summary>Rows matching <paramref name="query"/>, in sequence order.</summary>
    Task<IReadOnlyList<AuditRow>> QueryAsync(AuditQuery query, CancellationToken cancellationToken);
}
