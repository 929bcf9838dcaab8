namespace Warden.Core.Policy;

/// <summary>A decision with the rule that made it and a human-readable reason.</summary>
public sealed record PolicyDecision(PolicyEffect Effect, string RuleId, string Reason)
{
    /// <summary>True for <see cref="PolicyEffect.Allow"/> and <see cref="PolicyEffect.Redact"/>.</summary>
    public bool IsPermitted => Effect is PolicyEffect.Allow or PolicyEffect.Redact;

    /// <summary>The default decision when no rule matches.</summary>
    public static PolicyDecision DefaultDeny(string reason) => new(PolicyEffect.Deny, "default-deny", reason);
}
