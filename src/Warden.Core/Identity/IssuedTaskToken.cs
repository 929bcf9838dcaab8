namespace Warden.Core.Identity;

/// <summary>A freshly issued task token and what it carries.</summary>
public sealed record IssuedTaskToken(string Token, string TokenId, string TaskId, ScopeSet Scopes, DateTimeOffset ExpiresAt);
