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

    /// <summary>
    /// Prices for spend budgets, keyed <c>provider/model</c> or <c>model</c> (the first found wins; <c>*</c> is the
    /// price of any other model). A model without a price costs nothing.
    /// </summary>
    public IReadOnlyDictionary<string, ModelPrice> Prices { get; init; } = new Dictionary<string, ModelPrice>();

    /// <summary>True when any completion-token or spend limit is set (the proxy must then record usage).</summary>
    public bool TracksUsage =>
        new[] { Agent, User, Task }.Concat(Overrides.Values).Any(s => s.CompletionTokensPerMinute > 0 || s.SpendMicrosPerPeriod > 0);

    /// <summary>The price of <paramref name="model"/> on <paramref name="provider"/>, or null.</summary>
    public ModelPrice? PriceOf(string? provider, string? model)
    {
        if (model is null)
        {
            return null;
        }

        if (provider is not null && Prices.TryGetValue(provider + "/" + model, out var p))
        {
            return p;
        }

        return Prices.TryGetValue(model, out p) ? p : Prices.GetValueOrDefault("*");
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        foreach (var (name, s) in new[] { ("agent", Agent), ("user", User), ("task", Task) }.Concat(Overrides.Select(o => (o.Key, o.Value))))
        {
            if (s is null || s.RequestsPerMinute < 0 || s.PromptTokensPerMinute < 0 || s.CompletionTokensPerMinute < 0 || s.SpendMicrosPerPeriod < 0)
            {
                throw new ArgumentException($"rate limits for '{name}' must not be negative");
            }

            if (s.SpendPeriod < TimeSpan.FromMinutes(1) || s.SpendPeriod > TimeSpan.FromDays(366))
            {
                throw new ArgumentException($"spend period for '{name}' must be between one minute and 366 days");
            }
        }

        foreach (var (model, price) in Prices)
        {
            if (price is null || price.PromptMicrosPerMillionTokens < 0 || price.CompletionMicrosPerMillionTokens < 0)
            {
                throw new ArgumentException($"price of '{model}' must not be negative");
            }
        }
    }
}
