namespace Warden.Core.RateLimiting;

/// <summary>A model's price in micro-units of currency per million tokens (USD 2.50 per million = 2,500,000).</summary>
public sealed record ModelPrice
{
    /// <summary>Price of a million prompt (input) tokens.</summary>
    public long PromptMicrosPerMillionTokens { get; init; }

    /// <summary>Price of a million completion (output) tokens.</summary>
    public long CompletionMicrosPerMillionTokens { get; init; }

    /// <summary>What <paramref name="promptTokens"/> and <paramref name="completionTokens"/> cost, in micro-units (rounded up).</summary>
    public long Cost(long promptTokens, long completionTokens)
    {
        var total = (Int128)promptTokens * PromptMicrosPerMillionTokens + (Int128)completionTokens * CompletionMicrosPerMillionTokens;
        var micros = (total + 999_999) / 1_000_000;
        return micros > long.MaxValue ? long.MaxValue : (long)micros;
    }
}
