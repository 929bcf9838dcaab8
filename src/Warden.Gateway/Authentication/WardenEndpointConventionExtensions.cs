using Microsoft.AspNetCore.Builder;

namespace Warden.Gateway.Authentication;

/// <summary>Authorization conventions for endpoints: <c>.RequireWardenAdmin()</c>, <c>.RequireWardenPermission("scanner")</c>.</summary>
public static class WardenEndpointConventionExtensions
{
    /// <summary>Only the admin key may call the endpoint (403 for others).</summary>
    public static TBuilder RequireWardenAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new WardenAuthorizationMetadata(RequireAdmin: true, Permission: null));

    /// <summary>The caller needs <paramref name="permission"/> among its scopes (or <c>*</c>), or be admin.</summary>
    public static TBuilder RequireWardenPermission<TBuilder>(this TBuilder builder, string permission)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrEmpty(permission);
        return builder.WithMetadata(new WardenAuthorizationMetadata(RequireAdmin: false, Permission: permission));
    }

    /// <summary>No credential needed. Reserved for health probes.</summary>
    internal static TBuilder AllowWardenAnonymous<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(AllowWardenAnonymousMetadata.Instance);
}
