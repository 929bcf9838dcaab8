namespace Warden.Core.RateLimiting;

/// <summary>Limits for one kind of subject (agent, user or task). Zero or null means no limit.</summary>
public sealed record RateLimitSettings
{
    /// <summary>Requests per minute.</summary>
    public long RequestsPerMinute { get; init; }

    /// <summary>Prompt tokens per minute, counted before forwarding.</summary>
    public long PromptTokensPerMinute { get; init; }

    /// <summary>Completion tokens per minute, counted after the response (blocks the next requests once spent).</summary>
    public long CompletionTokensPerMinute { get; init; }

    /// <summary>Spend budget per <see cref="SpendPeriod"/>, in micro-units of currency (1 USD = 1,000,000).</summary>
    public long SpendMicrosPerPeriod { get; init; }

    /// <summary>The budget period (default one day).</summary>
    public TimeSpan SpendPeriod { get; init; } = TimeSpan.FromDays(1);
}
