namespace Warden.Core.Policy;

/// <summary>
/// Warden's PDP: decides against the current <see cref="PolicySet"/>, swapped atomically on reload.
/// Never throws: an unexpected failure is a deny (fail closed).
/// </summary>
public sealed class PolicyDecisionPoint : IPolicyDecisionPoint
{
    private readonly TimeProvider _time;
    private volatile PolicySet _policy;

    /// <summary>Creates the PDP with an initial policy (the empty policy denies everything).</summary>
    public PolicyDecisionPoint(TimeProvider time, PolicySet? initial = null)
    {
        _time = time;
        _policy = initial ?? PolicySet.Empty;
    }

    /// <summary>The policy in force.</summary>
    public PolicySet Current => _policy;

    /// <summary>Replaces the policy in force (already validated whole).</summary>
    public void Replace(PolicySet policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
    }

    /// <inheritdoc />
    public PolicyDecision Decide(PolicyRequest request)
    {
        try
        {
            return _policy.Decide(request, _time.GetUtcNow());
        }
#pragma warning disable CA1031 // fail closed: any failure is a deny
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new PolicyDecision(PolicyEffect.Deny, "policy-error", "the policy could not be evaluated (" + ex.GetType().Name + "); failing closed");
        }
    }

    /// <summary>Decides and explains rule by rule.</summary>
    public PolicyExplanation Explain(PolicyRequest request) => _policy.Explain(request, _time.GetUtcNow());
}
