using Warden.Core.Policy.Expressions;

namespace Warden.Core.Policy;

/// <summary>
/// One validated rule. <see cref="Actions"/> (exact names or <c>prefix*</c>) narrow which requests it
/// applies to; <see cref="Condition"/> (CEL) decides whether it matches.
/// </summary>
public sealed class PolicyRule
{
    internal PolicyRule(string id, string? description, PolicyEffect effect, IReadOnlyList<string>? actions, string condition, IReadOnlyList<string> redact, string source, int order, CelProgram program)
    {
        Id = id;
        Description = description;
        Effect = effect;
        Actions = actions;
        Condition = condition;
        Redact = redact;
        Source = source;
        Order = order;
        Program = program;
    }

    /// <summary>True when the rule says <c>audit_failure: open</c>.</summary>
    public bool AuditFailOpen { get; init; }

    /// <summary>True when the rule says <c>capture_content: true</c>.</summary>
    public bool CaptureContent { get; init; }

    /// <summary>Unique rule id.</summary>
    public string Id { get; }

    /// <summary>What the rule is for.</summary>
    public string? Description { get; }

    /// <summary>The effect when it matches.</summary>
    public PolicyEffect Effect { get; }

    /// <summary>Actions it applies to; null for all.</summary>
    public IReadOnlyList<string>? Actions { get; }

    /// <summary>The CEL condition text (<c>true</c> when omitted).</summary>
    public string Condition { get; }

    /// <summary>Data tags to redact (redact rules).</summary>
    public IReadOnlyList<string> Redact { get; }

    /// <summary>Where the rule came from (file name or <c>api</c>).</summary>
    public string Source { get; }

    /// <summary>Position in the policy (file order, then API rules).</summary>
    public int Order { get; }

    internal CelProgram Program { get; }

    internal bool AppliesTo(string action)
    {
        if (Actions is null)
        {
            return true;
        }

        foreach (var a in Actions)
        {
            if (a.Length > 0 && a[^1] == '*'
                ? action.AsSpan().StartsWith(a.AsSpan(0, a.Length - 1), StringComparison.Ordinal)
                : string.Equals(a, action, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
