using Microsoft.Extensions.Logging;
using Warden.Core.RateLimiting;
using Warden.Gateway.Providers;

namespace Warden.Gateway.Proxy;

/// <summary>
/// After a response: completion tokens and spend go to the rate limiter, so completion-token-per-minute and spend
/// budgets refuse the next request (429 + Retry-After). A stream whose provider reported no usage is counted with the
/// model's tokenizer from the text Warden forwarded.
/// </summary>
internal sealed partial class ProxyHandler
{
    /// <summary>Whether a stream's text must be collected (usage may be missing, or content is captured).</summary>
    private bool NeedsStreamText(RequestState s) => s.Capture || (_limits?.TracksUsage == true && s.Kind != ApiKind.Embeddings);

    private async Task RecordUsageAsync(RequestState s, RouteTarget target)
    {
        if (_limits is null || !_limits.TracksUsage)
        {
            return;
        }

        if (s.OutputTokens == 0 && s.StreamText is { } collected && _tokens is not null)
        {
            s.OutputTokens = _tokens.Count(target.Model, collected.Text) + (int)Math.Min(int.MaxValue / 2, collected.OverflowChars / 4);
        }

        var prompt = s.InputTokens > 0 ? s.InputTokens
            : s.Context.Items.TryGetValue(RateLimiting.WardenRateLimitMiddleware.PromptTokensItem, out var counted) && counted is long n ? n : 0;
        try
        {
            await _limits.RecordAsync(s.Principal, target.Provider.Name, target.Model, prompt, s.OutputTokens, CancellationToken.None);
        }
#pragma warning disable CA1031 // the answer is already sent; a failing limiter store is logged, not thrown
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUsageRecordFailed(_logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 2020, Level = LogLevel.Error, Message = "Recording usage for rate limits failed: {ExceptionType}")]
    private static partial void LogUsageRecordFailed(ILogger logger, string exceptionType);
}
