using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Audit;
using Warden.Core.Identity;
using Warden.Gateway.Audit;
using Warden.Gateway.Errors;
using Warden.Gateway.Authentication;

namespace Warden.Gateway.Identity;

/// <summary><c>POST /oauth/token</c> (RFC 8693 token exchange) and <c>GET /.well-known/jwks.json</c>.</summary>
internal static class TokenEndpoints
{
    private const int MaxFormBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapWardenTokenEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The token endpoint authenticates with the form's subject_token and actor_token, not a header.
        endpoints.MapPost("/oauth/token", ExchangeAsync).AllowWardenAnonymous().ExcludeFromDescription().AddEndpointFilter(TokenEndpointThrottle.FilterAsync);
        endpoints.MapGet("/.well-known/jwks.json", JwksAsync).AllowWardenAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> ExchangeAsync(HttpContext context, TokenExchangeService exchange)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        if (!context.Request.HasFormContentType || context.Request.ContentLength is null or > MaxFormBytes)
        {
            CloseIfBodyUnread(context);
            return Error("invalid_request", "send application/x-www-form-urlencoded with a Content-Length of at most 64 KiB");
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            // Over the form reader's limits, or a multipart body that ends early.
            CloseIfBodyUnread(context);
            return Error("invalid_request", "the form could not be read");
        }

        foreach (var (name, values) in form)
        {
            if (values.Count > 1)
            {
                return Error("invalid_request", $"parameter '{name}' is repeated");
            }
        }

        var request = new TokenExchangeRequest(
            form["grant_type"], form["subject_token"], form["subject_token_type"], form["actor_token"], form["actor_token_type"],
            form["scope"], form["task_id"], form["expires_in"], form["requested_token_type"]);
        var result = await exchange.ExchangeAsync(request, context.RequestAborted);
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!await AuditGrantAsync(context, result))
        {
            return Results.Json(new OAuthError("temporarily_unavailable", "the audit trail is unavailable; no token was issued (fail closed)"), IdentityApiJsonContext.Default.OAuthError, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (!result.Succeeded)
        {
            return Error(result.Error!, result.ErrorDescription);
        }

        var token = result.Token!;
        return Results.Json(
            new TokenResponse(token.Token, TokenExchangeRequest.AccessTokenType, "Bearer", (long)Math.Ceiling((token.ExpiresAt - now).TotalSeconds), token.Scopes.ToString(), token.TaskId),
            IdentityApiJsonContext.Default.TokenResponse);
    }

    /// <summary>Writes the <c>identity.grant</c> record of an exchange, issued or refused; false when the trail is down.</summary>
    private static async Task<bool> AuditGrantAsync(HttpContext context, TokenExchangeResult result)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (result.Token is { } t)
        {
            attributes["jti"] = t.TokenId;
            attributes["scope"] = t.Scopes.ToString();
            attributes["expires_at"] = t.ExpiresAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            attributes["error"] = result.Error ?? "invalid_request";
            if (result.ErrorDescription is { } d)
            {
                attributes["reason"] = d.Length > 512 ? d[..512] : d;
            }
        }

        try
        {
            await AuditRecords.AppendAsync(context, new AuditEvent
            {
                Type = AuditRecords.Grant,
                PrincipalId = result.Agent?.Id,
                AgentId = result.Agent?.Id,
                OnBehalfOf = result.UserId,
                TaskId = result.Token?.TaskId,
                Action = "token.exchange",
                Decision = result.Succeeded ? "allow" : "deny",
                Attributes = attributes,
            });
            return true;
        }
        catch (WardenHttpException)
        {
            return false;
        }
    }

    private static async Task<IResult> JwksAsync(HttpContext context, SigningKeyRing keys)
    {
        context.Response.Headers.CacheControl = "public, max-age=300";
        var jwks = await keys.GetJwksAsync(context.RequestAborted);
        return Results.Bytes(jwks, "application/jwk-set+json");
    }

    /// <summary>
    /// A refused request whose body is left (partly) unread: Kestrel cannot drain a body past its size limit and drops the
    /// connection after the answer, so the client is told not to send its next request on this one.
    /// </summary>
    private static void CloseIfBodyUnread(HttpContext context)
    {
        if (context.Request.ContentLength is not 0)
        {
            context.Response.Headers.Connection = "close";
        }
    }

    private static IResult Error(string error, string? description) =>
        Results.Json(new OAuthError(error, description), IdentityApiJsonContext.Default.OAuthError, statusCode: StatusCodes.Status400BadRequest);
}
