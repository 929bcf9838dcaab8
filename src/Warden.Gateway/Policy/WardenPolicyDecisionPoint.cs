using Warden.Core.Policy;

namespace Warden.Gateway.Policy;

/// <summary>
/// The gateway's PDP: the task-token scope check first (always), then the policy (YAML files and admin-API rules) when there is one,
/// else the provider allow-list default. Deny by default; never throws.
/// </summary>
internal sealed class WardenPolicyDecisionPoint(PolicyReloadService runtime, PolicyDecisionPoint rules, ProviderAccessPolicyDecisionPoint fallback) : IPolicyDecisionPoint
{
    public PolicyDecision Decide(PolicyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (runtime.HasRules)
        {
            return rules.Decide(request); // includes the scope check
        }

        try
        {
            var missing = ScopeGuard.FindMissing(request);
            return missing is not null
                ? new PolicyDecision(PolicyEffect.Deny, ScopeGuard.RuleId, $"the task token's scope does not include {missing}")
                : fallback.Decide(request);
        }
#pragma warning disable CA1031 // fail closed
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new PolicyDecision(PolicyEffect.Deny, "policy-error", "the policy could not be evaluated (" + ex.GetType().Name + "); failing closed");
        }
    }

    /// <summary>Explains with the YAML policy (or reports that the default policy is in force).</summary>
    public PolicyExplanation Explain(PolicyRequest request) =>
        runtime.HasRules ? rules.Explain(request) : new PolicyExplanation(Decide(request), []);
}
