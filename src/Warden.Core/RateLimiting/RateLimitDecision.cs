namespace Warden.Core.RateLimiting;

/// <summary>Allowed, or refused with when to retry (HTTP 429 + <c>Retry-After</c>) and which limit was hit.</summary>
public sealed record RateLimitDecision(bool Allowed, TimeSpan RetryAfter, string? Reason)
{
    /// <summary>The shared allowed decision.</summary>
    public static RateLimitDecision Allow { get; } = new(true, TimeSpan.Zero, null);

    /// <summary><c>Retry-After</c> in whole seconds (rounded up, at least 1).</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}
