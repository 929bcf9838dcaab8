using Warden.Core.Identity;

namespace Warden.Core.RateLimiting;

/// <summary>
/// Applies requests/min, prompt tokens/min (before forwarding), completion tokens/min and spend budgets
/// (recorded after the response) to the agent, the user it acts for and the task of every request.
/// Counters live in an <see cref="IQuotaStore"/>, so replicas sharing Redis enforce one limit.
/// A refused request may still have counted towards limits checked before the one it hit (conservative).
/// </summary>
public sealed class RateLimitEnforcer
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly IQuotaStore _store;
    private readonly RateLimitOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the enforcer (options validated whole).</summary>
    public RateLimitEnforcer(IQuotaStore store, RateLimitOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _options = options;
        _time = time;
    }

    /// <summary>
    /// Whether any limit that applies to <paramref name="principal"/> counts prompt tokens; when none does, the
    /// caller can skip tokenizing the prompt (<see cref="CheckAsync"/> ignores the count then anyway).
    /// </summary>
    public bool CountsPromptTokens(WardenPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        foreach (var (_, s) in Subjects(principal))
        {
            if (s.PromptTokensPerMinute > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Checks and counts one request with <paramref name="promptTokens"/> prompt tokens.</summary>
    public async ValueTask<RateLimitDecision> CheckAsync(WardenPrincipal principal, long promptTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        foreach (var (subject, s) in Subjects(principal))
        {
            if (s.CompletionTokensPerMinute > 0 && await _store.GetAsync(subject + ":completion", Minute, cancellationToken).ConfigureAwait(false) >= s.CompletionTokensPerMinute)
            {
                return Refuse(subject, "completion tokens per minute", Minute);
            }

            if (s.SpendMicrosPerPeriod > 0 && await _store.GetAsync(subject + ":spend", s.SpendPeriod, cancellationToken).ConfigureAwait(false) >= s.SpendMicrosPerPeriod)
            {
                return Refuse(subject, "spend budget", s.SpendPeriod);
            }
        }

        foreach (var (subject, s) in Subjects(principal))
        {
            if (s.RequestsPerMinute > 0)
            {
                var r = await _store.TryConsumeAsync(subject + ":requests", 1, s.RequestsPerMinute, Minute, cancellationToken).ConfigureAwait(false);
                if (!r.Allowed)
                {
                    return new RateLimitDecision(false, r.RetryAfter, $"{subject} exceeded {s.RequestsPerMinute} requests per minute");
                }
            }

            if (s.PromptTokensPerMinute > 0 && promptTokens > 0)
            {
                if (promptTokens > s.PromptTokensPerMinute)
                {
                    return new RateLimitDecision(false, Minute, $"the prompt ({promptTokens} tokens) is larger than {subject}'s limit of {s.PromptTokensPerMinute} prompt tokens per minute");
                }

                var r = await _store.TryConsumeAsync(subject + ":prompt", promptTokens, s.PromptTokensPerMinute, Minute, cancellationToken).ConfigureAwait(false);
                if (!r.Allowed)
                {
                    return new RateLimitDecision(false, r.RetryAfter, $"{subject} exceeded {s.PromptTokensPerMinute} prompt tokens per minute");
                }
            }
        }

        return RateLimitDecision.Allow;
    }

    /// <summary>Records what a completed request used (completion tokens, spend in micro-units).</summary>
    public async ValueTask RecordAsync(WardenPrincipal principal, long completionTokens, long spendMicros, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        foreach (var (subject, s) in Subjects(principal))
        {
            if (s.CompletionTokensPerMinute > 0 && completionTokens > 0)
            {
                await _store.AddAsync(subject + ":completion", completionTokens, Minute, cancellationToken).ConfigureAwait(false);
            }

            if (s.SpendMicrosPerPeriod > 0 && spendMicros > 0)
            {
                await _store.AddAsync(subject + ":spend", spendMicros, s.SpendPeriod, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private RateLimitDecision Refuse(string subject, string what, TimeSpan window) =>
        new(false, QuotaWindow.Remaining(_time.GetUtcNow(), window), $"{subject} has used its {what}");

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
