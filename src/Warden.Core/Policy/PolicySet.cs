using Warden.Core.Policy.Expressions;

namespace Warden.Core.Policy;

/// <summary>
/// An immutable, validated policy. Deny by default; a matching deny rule overrides everything (an error in a
/// deny rule's condition counts as a match: fail closed); require-approval beats allow; redact rules add
/// redactions to an allowed request. Rules are indexed by action and by the literal keys their condition requires (<see cref="PolicyRuleIndex"/>).
/// </summary>
public sealed class PolicySet
{
    [ThreadStatic]
    private static List<int>? t_candidates;

    private readonly PolicyRule[] _rules;
    private readonly PolicyRuleIndex _index;

    internal PolicySet(IReadOnlyList<PolicyRule> rules, string? version = null)
    {
        _rules = rules.ToArray();
        _index = new PolicyRuleIndex(_rules);
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

        var candidates = trace is null ? t_candidates ??= new List<int>(64) : new List<int>();
        _index.Candidates(request, candidates);
        if (trace is not null)
        {
            var evaluated = candidates.ToHashSet();
            for (var i = 0; i < _rules.Length; i++)
            {
                if (!evaluated.Contains(i))
                {
                    trace.Add(new RuleTrace(_rules[i].Id, _rules[i].Effect, "skipped", "does not apply to this action, or its condition requires attributes this request does not have"));
                }
            }
        }

        var context = new EvalContext(request, now);
        PolicyRule? deny = null, approval = null, allow = null;
        string? denyWhy = null;
        List<string>? redactions = null;
        PolicyRule? redactRule = null;
        foreach (var index in candidates)
        {
            var rule = _rules[index];
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
}
