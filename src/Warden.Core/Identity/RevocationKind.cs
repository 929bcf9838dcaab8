namespace Warden.Core.Identity;

/// <summary>What a revocation names.</summary>
public enum RevocationKind
{
    /// <summary>One token, by <c>jti</c>.</summary>
    Token,

    /// <summary>Every token of a task.</summary>
    Task,

    /// <summary>Every credential of an agent or user (principal id).</summary>
    Principal,
}
