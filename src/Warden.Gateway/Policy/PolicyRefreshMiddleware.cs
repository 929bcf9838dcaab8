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
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetWardenPrincipal() is { Kind: not PrincipalKind.Admin })
        {
            await runtime.EnsureCurrentAsync(context.RequestAborted);
        }

        await next(context);
    }
}
