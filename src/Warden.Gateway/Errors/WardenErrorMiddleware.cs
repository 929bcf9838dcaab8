using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Warden.Gateway.Errors;

/// <summary>
/// Outermost middleware: turns every failure into a clean error in the caller's shape. Oversized
/// bodies answer 413, malformed JSON 400, a client that went away nothing; anything else 500
/// with no detail. Never rethrows, so no request can take the process down.
/// </summary>
internal sealed partial class WardenErrorMiddleware(RequestDelegate next, ILogger<WardenErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            if (!context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentType is null && context.Response.ContentLength is null)
            {
                // A framework component answered with a bare status (minimal APIs set 413 when a typed body is over the
                // size limit, 415 for a body that is not JSON): the caller still gets Warden's error shape.
                var status = context.Response.StatusCode;
                await WardenErrors.WriteAsync(context, status, BareCode(status), BareMessage(status));
            }
        }
        catch (WardenHttpException ex)
        {
            await WardenErrors.WriteAsync(context, ex.StatusCode, ex.Code, ex.Message);
        }
        catch (BadHttpRequestException ex)
        {
            var status = ex.StatusCode == 413 ? 413 : 400;
            await WardenErrors.WriteAsync(context, status, status == 413 ? "request_too_large" : ex.InnerException is JsonException ? "invalid_json" : "bad_request",
                status == 413 ? "the request body is larger than Warden:MaxRequestBodyBytes"
                : ex.InnerException is JsonException ? "the request body is not valid JSON or a field has the wrong JSON type"
                : "malformed HTTP request");
        }
        catch (JsonException)
        {
            await WardenErrors.WriteAsync(context, 400, "invalid_json", "the request body is not valid JSON");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            LogClientGone(logger, context.Request.Path);
        }
#pragma warning disable CA1031 // the outermost handler must catch everything: fail closed, never crash
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUnhandled(logger, ex.GetType().Name, context.Request.Path);
            await WardenErrors.WriteAsync(context, 500, "internal_error", "Warden failed to handle the request; the request was not forwarded");
        }
    }

    private static string BareCode(int status) => status switch
    {
        413 => "request_too_large",
        415 => "unsupported_media_type",
        405 => "method_not_allowed",
        404 => "not_found",
        400 => "bad_request",
        >= 500 => "internal_error",
        _ => "request_refused",
    };

    private static string BareMessage(int status) => status switch
    {
        413 => "the request body is larger than Warden:MaxRequestBodyBytes",
        415 => "the request body must be application/json",
        405 => "the endpoint does not take this HTTP method",
        404 => "not found",
        400 => "the request is malformed or incomplete",
        >= 500 => "Warden failed to handle the request; the request was not forwarded",
        _ => "the request was refused",
    };

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} on {Path}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, PathString path);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Client disconnected on {Path}")]
    private static partial void LogClientGone(ILogger logger, PathString path);
}
