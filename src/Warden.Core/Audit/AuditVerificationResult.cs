namespace Warden.Core.Audit;

/// <summary>The outcome of <see cref="AuditVerifier.VerifyAsync"/>.</summary>
public sealed record AuditVerificationResult
{
    /// <summary>True when the whole chain and every checkpoint verify.</summary>
    public bool IsValid => Kind == AuditTamperKind.None;

    /// <summary>What is wrong (<see cref="AuditTamperKind.None"/> when valid).</summary>
    public AuditTamperKind Kind { get; init; }

    /// <summary>Sequence number of the FIRST bad record (or of the bad checkpoint).</summary>
    public long? FirstBadSequence { get; init; }

    /// <summary>One human-readable line.</summary>
    public string Message { get; init; } = "ok";

    /// <summary>Records checked (up to the first problem).</summary>
    public long RecordsChecked { get; init; }

    /// <summary>Checkpoints whose signature and head were checked.</summary>
    public int CheckpointsChecked { get; init; }

    /// <summary>Sequence of the last record in the store.</summary>
    public long LastSequence { get; init; }
}
