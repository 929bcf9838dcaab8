namespace Warden.Core.Pseudonymization;

/// <summary>Vault limits: how long a session's mapping lives after its last use, and how much it may hold.</summary>
public sealed record PseudonymizerOptions
{
    /// <summary>Sliding lifetime of a session's mapping.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Sessions kept at once; the least recently used are evicted beyond this.</summary>
    public int MaxSessions { get; init; } = 10_000;

    /// <summary>Distinct originals per session; beyond this, new values are redacted (<c>&lt;TYPE&gt;</c>) rather than mapped.</summary>
    public int MaxEntriesPerSession { get; init; } = 10_000;

    public void Validate()
    {
        if (Ttl <= TimeSpan.Zero || MaxSessions < 1 || MaxEntriesPerSession < 1)
        {
            throw new ArgumentException("pseudonymizer options: Ttl, MaxSessions and MaxEntriesPerSession must be positive");
        }
    }
}
