namespace Warden.Core.RateLimiting;

/// <summary>A partition of <see cref="QuotaRateLimiter"/>: a counter key with its limit and its (epoch-aligned, fixed) window.</summary>
/// <param name="Key">The counter, e.g. <c>agent:agt_1:requests</c>.</param>
/// <param name="Limit">Permits per window.</param>
/// <param name="Window">Window length.</param>
public readonly record struct QuotaKey(string Key, long Limit, TimeSpan Window);
