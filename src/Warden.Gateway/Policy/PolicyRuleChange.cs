namespace Warden.Gateway.Policy;

/// <summary>The outcome of an admin change to the stored rules.</summary>
internal enum PolicyRuleChangeOutcome
{
    Created,
    Updated,
    Deleted,
    NotFound,
    Rejected,
    Conflict,
}

/// <summary>What an admin change did: the outcome, the policy version in force after it, the validation errors when rejected.</summary>
internal sealed record PolicyRuleChange(PolicyRuleChangeOutcome Outcome, string Version, long Revision, IReadOnlyList<string> Errors);
