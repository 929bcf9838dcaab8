namespace Warden.Core.Policy;

/// <summary>A decision with the rule that made it and a human-readable reason.</summary>
/// <param name="Effect">Allow, deny, require-approval or redact.</param>
/// <param name="RuleId">The rule that decided (<c>default-deny</c> when none matched).</param>
/// <param name="Reason">Why, in words (safe to show the caller: names rules and resources, never secrets).</param>
/// <param name="Redactions">For <see cref="PolicyEffect.Redact"/>: the data tags to redact before forwarding.</param>
public sealed record PolicyDecision(PolicyEffect Effect, string RuleId, string Reason, IReadOnlyList<string>? Redactions = null)
{
    /// <summary>True for <see cref="PolicyEffect.Allow"/> and <see cref="PolicyEffect.Redact"/>.</summary>
    public bool IsPermitted => Effect is PolicyEffect.Allow or PolicyEffect.Redact;

    /// <summary>The allowing rule says <c>audit_failure: open</c>: the request may proceed when the audit trail is down (the fail-open is itself audited once the trail is back).</summary>
    public bool AuditFailOpen { get; init; }

    /// <summary>The allowing rule says <c>capture_content: true</c>: prompt and response are captured, encrypted, apart from the chain.</summary>
    public bool CaptureContent { get; init; }

    /// <summary>The default decision when no rule matches.</summary>
    public static PolicyDecision DefaultDeny(string reason) => new(PolicyEffect.Deny, "default-deny", reason);
}
