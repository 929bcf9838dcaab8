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

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} on {Path}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, PathString path);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Client disconnected on {Path}")]
    private static partial void LogClientGone(ILogger logger, PathString path);
}
