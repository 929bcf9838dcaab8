using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Warden.Core.Audit;
using Warden.Core.Identity;
using Warden.Gateway.Authentication;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Audit;

/// <summary>
/// Audits every request the proxy and feature endpoints do not audit themselves: rejections
/// (401/403/404/4xx/5xx, e.g. bad credentials and policy denials) and every call by the admin key
/// (<c>admin.request</c>). The record is appended when the
/// response starts and the response waits until it is durable, so a caller never sees an answer
/// the trail does not hold; if the append fails a successful response is aborted (fail closed),
/// a refusal is still sent (nothing was served). Successful
/// <c>/v1/*</c> calls are audited by the proxy (<c>gateway.request</c>/<c>gateway.response</c>).
/// Records carry the route pattern, never the raw path or query (which may hold caller text).
/// </summary>
internal sealed partial class WardenAuditMiddleware
{
    /// <summary>Response header with the id the audit record carries (<c>request_id</c> attribute).</summary>
    public const string RequestIdHeader = "warden-request-id";

    private static readonly Func<object, Task> OnStarting = static state => ((Scope)state).AppendAsync();

    private readonly RequestDelegate _next;
    private readonly IAuditTrail _trail;
    private readonly TimeProvider _time;
    private readonly ILogger<WardenAuditMiddleware> _logger;

    public WardenAuditMiddleware(RequestDelegate next, IAuditTrail trail, TimeProvider time, ILogger<WardenAuditMiddleware> logger)
    {
        _next = next;
        _trail = trail;
        _time = time;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AllowWardenAnonymousMetadata>() is not null)
        {
            return _next(context);
        }

        context.Response.OnStarting(OnStarting, new Scope(this, context, _time.GetTimestamp()));
        return _next(context);
    }

    [LoggerMessage(EventId = 5020, Level = LogLevel.Error, Message = "Audit append failed for a {Status} response: {ExceptionType}; a success is aborted (fail closed), a refusal is still sent")]
    private static partial void LogAuditFailed(ILogger logger, int status, string exceptionType);

    private sealed class Scope(WardenAuditMiddleware owner, HttpContext context, long started)
    {
        public async Task AppendAsync()
        {
            var response = context.Response;
            var status = response.StatusCode;
            var path = context.Request.Path;
            var principal = context.GetWardenPrincipal();
            if (status < 400 && (path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase) || principal?.Kind != PrincipalKind.Admin || AuditRecords.IsAudited(context)))
            {
                return; // the proxy and feature endpoints audit their own successful requests; admin changes have their own record
            }

            var requestId = Guid.NewGuid().ToString("N");
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["request_id"] = requestId,
                ["route"] = route,
                ["method"] = context.Request.Method,
            };
            if (context.Items.TryGetValue(WardenErrors.CodeItem, out var code) && code is string errorCode)
            {
                attributes["error_code"] = errorCode; // Warden's own stable identifier (warden_invalid_request …), never the message
            }

            var auditEvent = new AuditEvent
            {
                Type = status >= 400 ? "gateway.rejected" : "admin.request",
                PrincipalId = principal?.Id,
                AgentId = principal?.Kind == PrincipalKind.Agent ? principal.Id : null,
                OnBehalfOf = principal?.OnBehalfOf,
                TaskId = principal?.TaskId,
                Action = context.Request.Method + " " + route,
                Decision = status is 401 or 403 ? "deny" : null,
                Status = status,
                LatencyMs = owner._time.GetElapsedTime(started).TotalMilliseconds,
                Attributes = attributes,
            };

            try
            {
                await owner._trail.AppendAsync(auditEvent, CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogAuditFailed(owner._logger, status, ex.GetType().Name);
                if (status < 400)
                {
                    // Never serve an answer the trail does not hold (fail closed).
                    context.Abort();
                    throw;
                }

                return; // a refusal stays a refusal; the failure is logged
            }

            response.Headers[RequestIdHeader] = requestId;
        }
    }
}
