namespace Warden.Core.Audit;

/// <summary>Filters for reading the trail. All set filters must match (AND). Results are in sequence order.</summary>
public sealed record AuditQuery
{
    /// <summary>The largest page a store returns.</summary>
    public const int MaxLimit = 1000;

    public string? AgentId { get; init; }

    /// <summary>Matches <see cref="AuditEvent.OnBehalfOf"/>.</summary>
    public string? UserId { get; init; }

    public string? TaskId { get; init; }

    public string? Decision { get; init; }

    public string? Provider { get; init; }

    public string? Type { get; init; }

    /// <summary>Inclusive lower bound on the record timestamp.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound on the record timestamp.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Cursor: only records with a larger sequence number.</summary>
    public long AfterSequence { get; init; }

    /// <summary>Page size, 1..<see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>Throws <see cref="ArgumentException"/> when the query is invalid.</summary>
    public void Validate()
    {
        if (Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentException($"limit must be between 1 and {MaxLimit}");
        }

        if (AfterSequence < 0)
        {
            throw new ArgumentException("after must not be negative");
        }

        if (From is { } f && To is { } t && t < f)
        {
            throw new ArgumentException("to must not be before from");
        }
    }
}
