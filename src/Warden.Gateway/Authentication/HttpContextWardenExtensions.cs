using Microsoft.AspNetCore.Http;
using Warden.Core.Identity;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Authentication;

/// <summary>Access to the caller's <see cref="WardenPrincipal"/>.</summary>
public static class HttpContextWardenExtensions
{
    /// <summary>The authenticated principal, or null on anonymous endpoints.</summary>
    public static WardenPrincipal? GetWardenPrincipal(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<WardenPrincipalFeature>()?.Principal;
    }

    /// <summary>The authenticated principal; throws a 401 <see cref="WardenHttpException"/> when there is none.</summary>
    public static WardenPrincipal RequireWardenPrincipal(this HttpContext context) =>
        context.GetWardenPrincipal() ?? throw new WardenHttpException(401, "unauthorized", "authentication required");

    internal static void SetWardenPrincipal(this HttpContext context, WardenPrincipal principal) =>
        context.Features.Set(new WardenPrincipalFeature(principal));
}
