namespace Warden.Core.Identity;

/// <summary>An issued token, or an OAuth error (<c>error</c>, <c>error_description</c>).</summary>
public sealed record TokenExchangeResult(IssuedTaskToken? Token, string? Error, string? ErrorDescription, AgentProfile? Agent = null, string? UserId = null)
{
    /// <summary>True when a token was issued.</summary>
    public bool Succeeded => Token is not null;

    internal static TokenExchangeResult Fail(string error, string description) => new(null, error, description);
}
