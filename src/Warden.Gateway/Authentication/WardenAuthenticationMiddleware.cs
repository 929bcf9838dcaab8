using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Warden.Core.Identity;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Authentication;

/// <summary>
/// Authenticates every request except endpoints marked anonymous (<c>/healthz</c>, <c>/readyz</c>):
/// extracts the credential, asks each <see cref="ICredentialAuthenticator"/> that recognises its
/// format, and sets the principal (<see cref="HttpContextWardenExtensions.GetWardenPrincipal"/>).
/// Then applies <see cref="WardenAuthorizationMetadata"/>. 401 / 403 otherwise.
/// </summary>
internal sealed partial class WardenAuthenticationMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ICredentialAuthenticator[] _authenticators;
    private readonly ILogger<WardenAuthenticationMiddleware> _logger;

    public WardenAuthenticationMiddleware(RequestDelegate next, IEnumerable<ICredentialAuthenticator> authenticators, ILogger<WardenAuthenticationMiddleware> logger)
    {
        _next = next;
        _authenticators = [.. authenticators];
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<AllowWardenAnonymousMetadata>() is not null)
        {
            await _next(context);
            return;
        }

        // The first presented credential whose format an authenticator recognises is checked.
        WardenPrincipal? principal = null;
        string? failure = null;
        var presented = false;
        for (var c = 0; c < 3 && principal is null && failure is null; c++)
        {
            var credential = CredentialExtractor.Candidate(context.Request.Headers, c);
            if (string.IsNullOrEmpty(credential))
            {
                continue;
            }

            presented = true;
            foreach (var authenticator in _authenticators)
            {
                if (!authenticator.CanHandle(credential))
                {
                    continue;
                }

                var result = await authenticator.AuthenticateAsync(credential, context.RequestAborted);
                if (result.Succeeded)
                {
                    principal = result.Principal;
                    break;
                }

                failure = result.FailureReason ?? "invalid credential";
            }
        }

        if (!presented)
        {
            await WardenErrors.WriteAsync(context, 401, "unauthorized", "missing credential: send 'Authorization: Bearer <key>', 'x-api-key' or 'api-key'");
            return;
        }

        if (principal is null)
        {
            LogRejected(_logger, context.Request.Path);
            await WardenErrors.WriteAsync(context, 401, "unauthorized", failure ?? "invalid credential");
            return;
        }

        context.SetWardenPrincipal(principal);
        if (endpoint is not null)
        {
            var rules = endpoint.Metadata.GetOrderedMetadata<WardenAuthorizationMetadata>();
            for (var i = 0; i < rules.Count; i++)
            {
                if (!IsAuthorized(principal, rules[i]))
                {
                    await WardenErrors.WriteAsync(context, 403, "forbidden", rules[i].RequireAdmin
                        ? "this endpoint needs the admin key"
                        : $"this endpoint needs the '{rules[i].Permission}' permission");
                    return;
                }
            }
        }

        await _next(context);
    }

    internal static bool IsAuthorized(WardenPrincipal principal, WardenAuthorizationMetadata rule)
    {
        if (principal.IsAdmin)
        {
            return true;
        }

        if (rule.RequireAdmin)
        {
            return false;
        }

        if (rule.Permission is null)
        {
            return true;
        }

        foreach (var scope in principal.GrantedScopes)
        {
            if (scope == "*" || string.Equals(scope, rule.Permission, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Rejected credential on {Path}")]
    private static partial void LogRejected(ILogger logger, PathString path);
}
