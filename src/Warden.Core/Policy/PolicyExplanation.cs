namespace Warden.Core.Policy;

/// <summary>The decision plus, rule by rule, what was evaluated and why.</summary>
public sealed record PolicyExplanation(PolicyDecision Decision, IReadOnlyList<RuleTrace> Rules);
