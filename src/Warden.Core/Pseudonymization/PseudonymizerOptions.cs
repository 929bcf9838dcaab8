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

    /// <summary>Entity types that get realistic fakes of the same shape instead of <c>&lt;TYPE_n&gt;</c> (<see cref="AllTypes"/>: every type that has a fake).</summary>
    public IReadOnlyList<string> FakeTypes { get; init; } = [];

    /// <summary>
    /// Entries of the detection-result cache used for the proxy's per-request sessions: the findings of a text (never the
    /// text: entries are keyed by SHA-256 over a per-process random key, the caller and the text) are reused when the same caller sends the same
    /// text again, such as a system prompt or earlier turns of a conversation. 0 turns it off. At most
    /// 128 findings per entry, so the cache's memory is bounded (about 5 KB per entry at worst).
    /// </summary>
    public int DetectionCacheEntries { get; init; } = 1024;

    /// <summary>The <see cref="FakeTypes"/> entry that selects fakes for every type.</summary>
    public const string AllTypes = "*";

    public void Validate()
    {
        if (FakeTypes.Any(t => string.IsNullOrWhiteSpace(t) || (t != AllTypes && !t.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))))
        {
            throw new ArgumentException("pseudonymizer options: FakeTypes must be entity type names (UPPER_CASE) or \"*\"");
        }

        if (DetectionCacheEntries is < 0 or > 8192)
        {
            throw new ArgumentException("pseudonymizer options: DetectionCacheEntries must be 0 (off) to 8192");
        }

        if (Ttl <= TimeSpan.Zero || MaxSessions < 1 || MaxEntriesPerSession < 1)
        {
            throw new ArgumentException("pseudonymizer options: Ttl, MaxSessions and MaxEntriesPerSession must be positive");
        }
    }
}
