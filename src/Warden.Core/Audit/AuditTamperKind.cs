namespace Warden.Core.Audit;

/// <summary>What <see cref="AuditVerifier"/> found wrong with the chain.</summary>
public enum AuditTamperKind
{
    /// <summary>Nothing: the chain and every checkpoint verify.</summary>
    None = 0,

    /// <summary>A record's content or hash was altered.</summary>
    ChangedRecord,

    /// <summary>One or more records are missing from the middle of the chain.</summary>
    DeletedRecord,

    /// <summary>A record that was never appended by the trail sits in the chain.</summary>
    InsertedRecord,

    /// <summary>Records are out of order.</summary>
    ReorderedRecords,

    /// <summary>Records covered by a signed checkpoint are missing from the end of the chain.</summary>
    Truncated,

    /// <summary>A checkpoint's signature is invalid, or it was signed by another key.</summary>
    ForgedCheckpoint,

    /// <summary>A checkpoint was removed (the checkpoint chain has a gap).</summary>
    DeletedCheckpoint,
}
