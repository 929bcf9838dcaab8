namespace Warden.Core.RateLimiting;

/// <summary>Rate limits and budgets (immutable snapshot). Overrides are keyed <c>agent:ID</c>, <c>user:ID</c> or <c>task:ID</c>.</summary>
public sealed record RateLimitOptions
{
    /// <summary>Limits applied to each agent.</summary>
    public RateLimitSettings Agent { get; init; } = new();

    /// <summary>Limits applied to each user (summed over every agent acting for them).</summary>
    public RateLimitSettings User { get; init; } = new();

    /// <summary>Limits applied to each task.</summary>
    public RateLimitSettings Task { get; init; } = new();

    /// <summary>Per-subject overrides.</summary>
    public IReadOnlyDictionary<string, RateLimitSettings> Overrides { get; init; } = new Dictionary<string, RateLimitSettings>();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        foreach (var (name, s) in new[] { ("agent", Agent), ("user", User), ("task", Task) }.Concat(Overrides.Select(o => (o.Key, o.Value))))
        {
            if (s is null || s.RequestsPerMinute < 0 || s.PromptTokensPerMinute < 0 || s.CompletionTokensPerMinute < 0 || s.SpendMicrosPerPeriod < 0)
            {
                throw new ArgumentException($"rate limits for '{name}' must not be negative");
            }

            if (s.SpendPeriod < TimeSpan.FromMinutes(1))
            {
                throw new ArgumentException($"spend period for '{name}' must be at least one minute");
            }
        }
    }
}
