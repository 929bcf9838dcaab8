namespace Warden.Core.Identity;

/// <summary>
/// A human user. Local users authenticate with user keys; SSO users are matched by
/// <see cref="ExternalSubject"/> (<c>issuer#sub</c>). <see cref="Rights"/> are the most any task
/// token issued for this user may carry.
/// </summary>
public sealed record UserRecord(
    string Id,
    string Name,
    IReadOnlyList<string> Rights,
    DateTimeOffset CreatedAt,
    string? ExternalSubject = null,
    bool Disabled = false);
