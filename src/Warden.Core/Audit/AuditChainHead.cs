namespace Warden.Core.Audit;

/// <summary>The last record and last checkpoint of a stored chain (all zero/empty for an empty chain).</summary>
public sealed record AuditChainHead(long Sequence, byte[] Hash, long CheckpointSequence, DateTimeOffset? CheckpointTimestamp)
{
    /// <summary>The head of an empty chain.</summary>
    public static AuditChainHead Empty { get; } = new(0, new byte[32], 0, null);
}
