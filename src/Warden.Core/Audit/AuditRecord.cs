namespace Warden.Core.Audit;

/// <summary>One chained audit record as read back from the trail (parsed from its canonical JSON).</summary>
public sealed record AuditRecord
{
    /// <summary>Position in the chain, starting at 1, without gaps.</summary>
    public required long Sequence { get; init; }

    /// <summary>When the trail accepted the event (UTC, from the trail's <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Lower-case hex SHA-256 of the previous record's canonical JSON (64 zeros for the first record).</summary>
    public required string PreviousHash { get; init; }

    /// <summary>Lower-case hex SHA-256 of this record's canonical JSON.</summary>
    public required string Hash { get; init; }

    /// <summary>The event the record carries.</summary>
    public required AuditEvent Event { get; init; }
}
