namespace Warden.Core.Identity;

/// <summary>The outcome of checking one presented credential.</summary>
public sealed record AuthenticationResult(WardenPrincipal? Principal, string? FailureReason)
{
    /// <summary>True when a principal was established.</summary>
    public bool Succeeded => Principal is not null;

    /// <summary>A successful result.</summary>
    public static AuthenticationResult Success(WardenPrincipal principal) => new(principal, null);

    /// <summary>A failed result with a reason that is safe to show (never echoes the credential).</summary>
    public static AuthenticationResult Fail(string reason) => new(null, reason);
}
