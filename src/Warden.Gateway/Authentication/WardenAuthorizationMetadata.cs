namespace Warden.Gateway.Authentication;

/// <summary>
/// Endpoint metadata checked by <see cref="WardenAuthenticationMiddleware"/> after authentication.
/// Admins pass every check; others need <see cref="Permission"/> among their scopes.
/// </summary>
public sealed record WardenAuthorizationMetadata(bool RequireAdmin, string? Permission);

/// <summary>Endpoint metadata: no credential needed (only <c>/healthz</c> and <c>/readyz</c>).</summary>
public sealed class AllowWardenAnonymousMetadata
{
    /// <summary>The shared instance.</summary>
    public static AllowWardenAnonymousMetadata Instance { get; } = new();
}
