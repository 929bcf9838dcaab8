namespace Warden.Core.Policy;

/// <summary>The stored rules at one revision.</summary>
public sealed record PolicyRuleSnapshot(long Revision, IReadOnlyList<PolicyRuleDefinition> Rules)
{
    /// <summary>Nothing stored.</summary>
    public static PolicyRuleSnapshot Empty { get; } = new(0, []);
}
