using System.Collections.Concurrent;
using Warden.Core.Policy.Expressions;

namespace Warden.Core.Policy;

/// <summary>
/// An immutable, validated policy. Deny by default; a matching deny rule overrides everything (an error in a
/// deny rule's condition counts as a match: fail closed); require-approval beats allow; redact rules add
/// redactions to an allowed request. Rules are indexed by action and by the provider their condition pins.
/// </summary>
public sealed class PolicySet
{
    private const int MaxIndexEntries = 4096;
    private readonly PolicyRule[] _rules;
    private readonly ConcurrentDictionary<(string Action, string Provider), PolicyRule[]> _index = new();

    internal PolicySet(IReadOnlyList<PolicyRule> rules, string? version = null)
    {
        _rules = rules.ToArray();
        Version = version ?? string.Empty;
    }

    /// <summary>The empty policy: denies everything.</summary>
    public static PolicySet Empty { get; } = new([]);

    /// <summary>The rules in evaluation order.</summary>
    public IReadOnlyList<PolicyRule> Rules => _rules;

    /// <summary>A label for the loaded policy (content hash).</summary>
    public string Version { get; }

    /// <summary>Decides a request (never throws).</summary>
    public PolicyDecision Decide(PolicyRequest request, DateTimeOffset now) => Evaluate(request, now, null);

    /// <summary>Decides a request and records what every rule did.</summary>
    public PolicyExplanation Explain(PolicyRequest request, DateTimeOffset now)
    {
        var trace = new List<RuleTrace>();
        var decision = Evaluate(request, now, trace);
        return new PolicyExplanation(decision, trace);
    }

    private PolicyDecision Evaluate(PolicyRequest request, DateTimeOffset now, List<RuleTrace>? trace)
    {
        ArgumentNullException.ThrowIfNull(request);
        var missing = ScopeGuard.FindMissing(request);
        if (missing is not null)
        {
            var d = new PolicyDecision(PolicyEffect.Deny, ScopeGuard.RuleId, $"the task token's scope does not include {missing}");
            trace?.Add(new RuleTrace(ScopeGuard.RuleId, PolicyEffect.Deny, "matched", d.Reason));
            return d;
        }

        var candidates = Candidates(request.Action, request.Provider);
        if (trace is not null)
        {
            foreach (var r in _rules.Except(candidates))
            {
                trace.Add(new RuleTrace(r.Id, r.Effect, "skipped", "does not apply to this action or provider"));
            }
        }

        var context = new EvalContext(request, now);
        PolicyRule? deny = null, approval = null, allow = null;
        string? denyWhy = null;
        List<string>? redactions = null;
        PolicyRule? redactRule = null;
        foreach (var rule in candidates)
        {
            var (value, error) = rule.Program.EvaluateBool(context);
            trace?.Add(new RuleTrace(rule.Id, rule.Effect, error is not null ? "error" : value ? "matched" : "not-matched", error));
            if (error is not null)
            {
                if (rule.Effect == PolicyEffect.Deny && deny is null)
                {
                    deny = rule;
                    denyWhy = $"denied by rule '{rule.Id}' because its condition could not be evaluated ({error}); deny rules fail closed";
                }

                continue;
            }

            if (!value)
            {
                continue;
            }

            switch (rule.Effect)
            {
                case PolicyEffect.Deny when deny is null:
                    deny = rule;
                    denyWhy = $"denied by rule '{rule.Id}': {rule.Description ?? rule.Condition}";
                    break;
                case PolicyEffect.RequireApproval:
                    approval ??= rule;
                    break;
                case PolicyEffect.Redact:
                    redactRule ??= rule;
                    redactions ??= [];
                    redactions.AddRange(rule.Redact.Where(t => !redactions.Contains(t)));
                    break;
                case PolicyEffect.Allow:
                    allow ??= rule;
                    break;
            }

            if (deny is not null && trace is null)
            {
                break;
            }
        }

        if (deny is not null)
        {
            return new PolicyDecision(PolicyEffect.Deny, deny.Id, denyWhy!);
        }

        if (approval is not null)
        {
            return new PolicyDecision(PolicyEffect.RequireApproval, approval.Id, $"rule '{approval.Id}' requires a human approval: {approval.Description ?? approval.Condition}");
        }

        if (allow is null)
        {
            return PolicyDecision.DefaultDeny($"no rule allows {request.Action}{Describe(request)} for {CelVariables.KindName(request.Principal.Kind)} {request.Principal.Id}");
        }

        return redactRule is not null
            ? new PolicyDecision(PolicyEffect.Redact, redactRule.Id, $"allowed by rule '{allow.Id}' with redaction of {string.Join(", ", redactions!)} by rule '{redactRule.Id}'", redactions)
            {
                AuditFailOpen = allow.AuditFailOpen,
                CaptureContent = allow.CaptureContent,
            }
            : new PolicyDecision(PolicyEffect.Allow, allow.Id, $"allowed by rule '{allow.Id}'")
            {
                AuditFailOpen = allow.AuditFailOpen,
                CaptureContent = allow.CaptureContent,
            };
    }

    private static string Describe(PolicyRequest r)
    {
        var target = r.Provider is null ? r.Tool : r.Model is null ? r.Provider : r.Provider + "/" + r.Model;
        return target is null ? string.Empty : " on " + target;
    }

    private PolicyRule[] Candidates(string action, string? provider)
    {
        var key = (action, provider ?? string.Empty);
        if (_index.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var list = Array.FindAll(_rules, r => r.AppliesTo(action) && r.MayApplyToProvider(provider));
        if (_index.Count < MaxIndexEntries)
        {
            _index.TryAdd(key, list);
        }

        return list;
    }
}
