using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Core.Policy;
using Warden.Gateway.Identity;

namespace Warden.Gateway.Policy;

/// <summary>
/// The policy in force: the YAML files (<c>Warden:Policy:Path</c>, hot-reloaded) followed by the rules stored through
/// the admin API (<see cref="IPolicyRuleStore"/>, shared by every replica). Loaded at startup (a bad policy stops
/// the start: fail closed). A change through the admin API is validated whole with the files before it is stored;
/// other replicas see the store's revision move on their next request (<see cref="EnsureCurrentAsync"/>, at most
/// every <c>Warden:Policy:RefreshInterval</c>) or reload.
/// </summary>
internal sealed partial class PolicyReloadService : IHostedService, IDisposable
{
    private readonly IPolicyRuleStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<PolicyReloadService> _logger;
    private readonly TimeSpan _refreshInterval;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastCheck = long.MinValue;

    public PolicyReloadService(WardenIdentitySettings settings, PolicyDecisionPoint pdp, IPolicyRuleStore store, TimeProvider time, ILogger<PolicyReloadService> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _refreshInterval = settings.PolicyRefreshInterval;
        Source = new PolicyFileSource(settings.PolicyPath, pdp, time);
    }

    public PolicyFileSource Source { get; }

    /// <summary>True when the rules engine decides (a policy file is configured or rules are stored).</summary>
    public bool HasRules => Source.HasRules;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var first = Source.Reload(await _store.LoadAsync(cancellationToken));
        if (!first.Applied)
        {
            throw new PolicyValidationException(first.Errors);
        }

        _lastCheck = _time.GetTimestamp();
        LogLoaded(_logger, first.Version, first.RuleCount);
        Source.Reloaded += r =>
        {
            if (r.Applied)
            {
                LogLoaded(_logger, r.Version, r.RuleCount);
            }
            else
            {
                LogRejected(_logger, r.Version, string.Join("; ", r.Errors));
            }
        };
        Source.StartWatching();
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Source.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Source.Dispose();
        _gate.Dispose();
    }

    /// <summary>Reloads when another replica changed the stored rules (checked at most every refresh interval).</summary>
    public async ValueTask EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        var last = Interlocked.Read(ref _lastCheck);
        if (last != long.MinValue && _refreshInterval > TimeSpan.Zero && _time.GetElapsedTime(last) < _refreshInterval)
        {
            return;
        }

        Interlocked.Exchange(ref _lastCheck, _time.GetTimestamp());
        // The store may be synchronous (SQLite): read it on the thread pool, never on a socket thread that runs
        // request code inline (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1). A failure still fails the request.
        await Task.Run(async () =>
        {
            if (await _store.GetRevisionAsync(cancellationToken) != Source.Stored.Revision)
            {
                await ReloadFromStoreAsync(cancellationToken);
            }
        }, cancellationToken);
    }

    /// <summary>Reads the files and the stored rules again (admin <c>POST /admin/policy/reload</c>).</summary>
    public async Task<PolicyReloadResult> ReloadFromStoreAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return Source.Reload(await _store.LoadAsync(cancellationToken));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Creates or replaces (<paramref name="rule"/> set) or deletes (null) stored rule <paramref name="id"/>: the whole
    /// policy with the change is validated first (a bad change is rejected and changes nothing), then
    /// <paramref name="beforeCommit"/> runs (the audit record; if it throws nothing is stored), then the change is
    /// stored against the revision it was validated on and applied here at once.
    /// </summary>
    public async Task<PolicyRuleChange> ChangeAsync(string id, PolicyRuleDefinition? rule, Func<PolicyRuleChangeOutcome, Task> beforeCommit, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var snapshot = await _store.LoadAsync(cancellationToken);
            var rules = snapshot.Rules.ToList();
            var at = rules.FindIndex(r => string.Equals(r.Id, id, StringComparison.Ordinal));
            PolicyRuleChangeOutcome outcome;
            if (rule is null)
            {
                if (at < 0)
                {
                    return Result(PolicyRuleChangeOutcome.NotFound, snapshot.Revision, []);
                }

                rules.RemoveAt(at);
                outcome = PolicyRuleChangeOutcome.Deleted;
            }
            else if (at < 0)
            {
                rules.Add(rule);
                outcome = PolicyRuleChangeOutcome.Created;
            }
            else
            {
                rules[at] = rule;
                outcome = PolicyRuleChangeOutcome.Updated;
            }

            var errors = Source.Validate(rules);
            if (errors.Count > 0)
            {
                LogRejected(_logger, Source.LastResult?.Version ?? string.Empty, string.Join("; ", errors));
                return Result(PolicyRuleChangeOutcome.Rejected, snapshot.Revision, errors);
            }

            await beforeCommit(outcome);
            var revision = rule is null
                ? await _store.DeleteAsync(id, snapshot.Revision, cancellationToken)
                : await _store.SaveAsync(rule, snapshot.Revision, cancellationToken);
            if (revision is null)
            {
                return Result(PolicyRuleChangeOutcome.Conflict, snapshot.Revision, ["the stored rules changed meanwhile (another replica); retry"]);
            }

            var applied = Source.Reload(new PolicyRuleSnapshot(revision.Value, rules));
            return Result(applied.Applied ? outcome : PolicyRuleChangeOutcome.Rejected, revision.Value, applied.Errors);
        }
        finally
        {
            _gate.Release();
        }
    }

    private PolicyRuleChange Result(PolicyRuleChangeOutcome outcome, long revision, IReadOnlyList<string> errors) =>
        new(outcome, Source.LastResult?.Version ?? string.Empty, revision, errors);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Policy {Version} in force ({RuleCount} rules)")]
    private static partial void LogLoaded(ILogger logger, string version, int ruleCount);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "Policy change rejected, policy {Version} stays in force: {Errors}")]
    private static partial void LogRejected(ILogger logger, string version, string errors);
}
