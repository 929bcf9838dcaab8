namespace Warden.Core.RateLimiting;

/// <summary>The outcome of a quota check: allowed or not, what was used in the window, and when to retry.</summary>
public readonly record struct QuotaResult(bool Allowed, long Used, TimeSpan RetryAfter);
