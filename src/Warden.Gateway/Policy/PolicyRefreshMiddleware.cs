using Microsoft.AspNetCore.Http;
using Warden.Core.Identity;
using Warden.Gateway.Authentication;

namespace Warden.Gateway.Policy;

/// <summary>
/// Before a request is decided, picks up a change another replica made to the stored policy rules (one revision
/// read, at most every <c>Warden:Policy:RefreshInterval</c>). If the store cannot be read the request fails (closed).
/// </summary>
internal sealed class PolicyRefreshMiddleware(RequestDelegate next, PolicyReloadService runtime)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetWardenPrincipal() is { Kind: not PrincipalKind.Admin })
        {
            var current = runtime.EnsureCurrentAsync(context.RequestAborted);
            if (!current.IsCompletedSuccessfully)
            {
                return RefreshThenNextAsync(current, context); // a failed or pending refresh: awaited, and a failure fails the request
            }

            current.GetAwaiter().GetResult();
        }

        // The common case (revision checked less than RefreshInterval ago): no async frame of this middleware per request.
        return next(context);
    }

    private async Task RefreshThenNextAsync(ValueTask current, HttpContext context)
    {
        await current;
        await next(context);
    }
}
