namespace Warden.Core.Identity;

/// <summary>What kind of principal presented the credential.</summary>
public enum PrincipalKind
{
    /// <summary>An AI agent, acting with an agent key or a task token.</summary>
    Agent,

    /// <summary>A human user (SSO token or local user key).</summary>
    User,

    /// <summary>A Warden administrator (admin key).</summary>
    Admin,
}
