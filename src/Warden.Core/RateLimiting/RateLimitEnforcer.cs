using System.Threading.RateLimiting;
using Warden.Core.Identity;

namespace Warden.Core.RateLimiting;

/// <summary>
/// Applies requests/min, prompt tokens/min (before forwarding), completion tokens/min and spend budgets
/// (recorded after the response) to the agent, the user it acts for and the task of every request.
/// Limits are acquired from a <see cref="QuotaRateLimiter"/> (System.Threading.RateLimiting) over an
/// <see cref="IQuotaStore"/>, so replicas sharing Redis enforce one limit.
/// A refused request may still have counted towards limits checked before the one it hit (conservative).
/// </summary>
public sealed class RateLimitEnforcer
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly QuotaRateLimiter _limiter;
    private readonly RateLimitOptions _options;
    private readonly bool _limitsAnything;
    private readonly bool _tracksUsage; // RateLimitOptions.TracksUsage computes; the options are immutable

    /// <summary>Creates the enforcer over a limiter on <paramref name="store"/> (options validated whole).</summary>
    public RateLimitEnforcer(IQuotaStore store, RateLimitOptions options, TimeProvider time)
        : this(new QuotaRateLimiter(store, time), options)
    {
    }

    /// <summary>Creates the enforcer over <paramref name="limiter"/> (options validated whole).</summary>
    public RateLimitEnforcer(QuotaRateLimiter limiter, RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _limiter = limiter;
        _options = options;
        _tracksUsage = options.TracksUsage;
        _limitsAnything = Limits(options.Agent) || Limits(options.User) || Limits(options.Task) || options.Overrides.Values.Any(Limits);
    }

    private static bool Limits(RateLimitSettings s) =>
        s.RequestsPerMinute > 0 || s.PromptTokensPerMinute > 0 || s.CompletionTokensPerMinute > 0 || s.SpendMicrosPerPeriod > 0;

    /// <summary>
    /// Whether any limit that applies to <paramref name="principal"/> counts prompt tokens; when none does, the
    /// caller can skip tokenizing the prompt (<see cref="CheckAsync"/> ignores the count then anyway).
    /// </summary>
    public bool CountsPromptTokens(WardenPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (!_limitsAnything)
        {
            return false;
        }

        foreach (var (_, s) in Subjects(principal))
        {
            // A spend budget prices prompt tokens too, when the provider's answer reports no usage.
            if (s.PromptTokensPerMinute > 0 || s.SpendMicrosPerPeriod > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Checks and counts one request with <paramref name="promptTokens"/> prompt tokens.</summary>
    public ValueTask<RateLimitDecision> CheckAsync(WardenPrincipal principal, long promptTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return _limitsAnything ? CheckLimitsAsync(principal, promptTokens, cancellationToken) : ValueTask.FromResult(RateLimitDecision.Allow);
    }

    private async ValueTask<RateLimitDecision> CheckLimitsAsync(WardenPrincipal principal, long promptTokens, CancellationToken cancellationToken)
    {
        foreach (var (subject, s) in Subjects(principal))
        {
            if (s.CompletionTokensPerMinute > 0
                && await Refused(new QuotaKey(subject + ":completion", s.CompletionTokensPerMinute, Minute), 0, cancellationToken).ConfigureAwait(false) is { } completion)
            {
                return new RateLimitDecision(false, completion, $"{subject} has used its completion tokens per minute");
            }

            if (s.SpendMicrosPerPeriod > 0
                && await Refused(new QuotaKey(subject + ":spend", s.SpendMicrosPerPeriod, s.SpendPeriod), 0, cancellationToken).ConfigureAwait(false) is { } spend)
            {
                return new RateLimitDecision(false, spend, $"{subject} has used its spend budget");
            }
        }

        foreach (var (subject, s) in Subjects(principal))
        {
            if (s.RequestsPerMinute > 0)
            {
                if (await Refused(new QuotaKey(subject + ":requests", s.RequestsPerMinute, Minute), 1, cancellationToken).ConfigureAwait(false) is { } requestsRetry)
                {
                    return new RateLimitDecision(false, requestsRetry, $"{subject} exceeded {s.RequestsPerMinute} requests per minute");
                }
            }

            if (s.PromptTokensPerMinute > 0 && promptTokens > 0)
            {
                if (promptTokens > s.PromptTokensPerMinute)
                {
                    return new RateLimitDecision(false, Minute, $"the prompt ({promptTokens} tokens) is larger than {subject}'s limit of {s.PromptTokensPerMinute} prompt tokens per minute");
                }

                if (await Refused(new QuotaKey(subject + ":prompt", s.PromptTokensPerMinute, Minute), (int)Math.Min(promptTokens, int.MaxValue), cancellationToken).ConfigureAwait(false) is { } promptRetry)
                {
                    return new RateLimitDecision(false, promptRetry, $"{subject} exceeded {s.PromptTokensPerMinute} prompt tokens per minute");
                }
            }
        }

        return RateLimitDecision.Allow;
    }

    /// <summary>True when completion tokens or spend must be recorded after each response.</summary>
    public bool TracksUsage => _tracksUsage;

    /// <summary>Records a completed request: completion tokens, and its spend from the price table (<see cref="RateLimitOptions.Prices"/>).</summary>
    public ValueTask RecordAsync(WardenPrincipal principal, string? provider, string? model, long promptTokens, long completionTokens, CancellationToken cancellationToken) =>
        RecordAsync(principal, completionTokens, _options.PriceOf(provider, model)?.Cost(promptTokens, completionTokens) ?? 0, cancellationToken);

    /// <summary>Records what a completed request used (completion tokens, spend in micro-units).</summary>
    public async ValueTask RecordAsync(WardenPrincipal principal, long completionTokens, long spendMicros, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        foreach (var (subject, s) in Subjects(principal))
        {
            if (s.CompletionTokensPerMinute > 0 && completionTokens > 0)
            {
                await _limiter.RecordAsync(new QuotaKey(subject + ":completion", s.CompletionTokensPerMinute, Minute), completionTokens, cancellationToken).ConfigureAwait(false);
            }

            if (s.SpendMicrosPerPeriod > 0 && spendMicros > 0)
            {
                await _limiter.RecordAsync(new QuotaKey(subject + ":spend", s.SpendMicrosPerPeriod, s.SpendPeriod), spendMicros, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Acquires <paramref name="permits"/> (0: only checks that some remain); null when acquired, else the Retry-After.</summary>
    private async ValueTask<TimeSpan?> Refused(QuotaKey key, int permits, CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync(key, permits, cancellationToken).ConfigureAwait(false);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1);
    }

    private IEnumerable<(string Subject, RateLimitSettings Settings)> Subjects(WardenPrincipal p)
    {
        if (p.Kind == PrincipalKind.Agent)
        {
            yield return Settings("agent:" + p.Id, _options.Agent);
        }

        var user = p.OnBehalfOf ?? (p.Kind == PrincipalKind.User ? p.Id : null);
        if (user is not null)
        {
            yield return Settings("user:" + user, _options.User);
        }

        if (p.TaskId is not null)
        {
            yield return Settings("task:" + p.TaskId, _options.Task);
        }
    }

    private (string, RateLimitSettings) Settings(string subject, RateLimitSettings defaults) =>
        (subject, _options.Overrides.TryGetValue(subject, out var o) ? o : defaults);
}
