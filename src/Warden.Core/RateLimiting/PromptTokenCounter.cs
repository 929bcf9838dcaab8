using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;

namespace Warden.Core.RateLimiting;

/// <summary>
/// Counts prompt tokens with the model's tokenizer (tiktoken encodings from Microsoft.ML.Tokenizers);
/// models it does not know are counted with <c>o200k_base</c>, a close estimate for current models.
/// </summary>
public sealed class PromptTokenCounter
{
    private const int MaxCachedModels = 256;
    private readonly Lazy<Tokenizer> _fallback = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private readonly ConcurrentDictionary<string, Tokenizer> _byModel = new(StringComparer.Ordinal);

    /// <summary>Tokens in <paramref name="text"/> for <paramref name="model"/>.</summary>
    public int Count(string? model, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? 0 : For(model).CountTokens(text);
    }

    private Tokenizer For(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return _fallback.Value;
        }

        if (_byModel.TryGetValue(model, out var t))
        {
            return t;
        }

        Tokenizer tokenizer;
        try
        {
            tokenizer = TiktokenTokenizer.CreateForModel(model);
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException or InvalidOperationException)
        {
            tokenizer = _fallback.Value;
        }

        if (_byModel.Count < MaxCachedModels)
        {
            _byModel.TryAdd(model, tokenizer);
        }

        return tokenizer;
    }
}
