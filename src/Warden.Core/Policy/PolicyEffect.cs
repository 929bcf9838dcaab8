namespace Warden.Core.Policy;

/// <summary>The effect of a policy decision. Deny by default; deny overrides allow.</summary>
public enum PolicyEffect
{
    /// <summary>The request is refused.</summary>
    Deny = 0,

    /// <summary>The request may proceed.</summary>
    Allow = 1,

    /// <summary>The request is held for a human approval.</summary>
    RequireApproval = 2,

    /// <summary>The request may proceed once the named data is redacted.</summary>
    Redact = 3,
}
