namespace Warden.Core.Policy;

/// <summary>How one rule fared in an explained decision: matched, not-matched, error, or skipped (action/provider did not apply).</summary>
public sealed record RuleTrace(string RuleId, PolicyEffect Effect, string Outcome, string? Detail);
