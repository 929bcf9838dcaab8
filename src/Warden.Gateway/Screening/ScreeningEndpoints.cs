using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Core.Screening;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Screening;

/// <summary><c>POST /api/screen</c>: sanitize, score and spotlight untrusted content for an authenticated caller.</summary>
public static partial class ScreeningEndpoints
{
    /// <summary>Maps <c>POST /api/screen</c> (authentication required, as for every non-health endpoint).</summary>
    public static IEndpointRouteBuilder MapWardenScreening(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/api/screen", HandleAsync);
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var engine = services.GetRequiredService<ScreeningEngineSource>().Current;
        var options = engine.Options;
        ScreenRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, ScreeningJsonContext.Default.ScreenRequest, context.RequestAborted);
        }
        catch (JsonException)
        {
            throw new WardenHttpException(StatusCodes.Status400BadRequest, "invalid_request", "body must be a JSON object {\"content\", \"content_type\", \"source\"}");
        }

        if (request?.Content is null)
        {
            throw new WardenHttpException(StatusCodes.Status400BadRequest, "invalid_request", "\"content\" is required and must be a string");
        }

        if (request.Content.Length > options.MaxContentChars)
        {
            throw new WardenHttpException(StatusCodes.Status413PayloadTooLarge, "content_too_large", $"\"content\" exceeds {options.MaxContentChars} characters");
        }

        var type = request.ContentType switch
        {
            null or "text" => ContentType.Text,
            "html" => ContentType.Html,
            "markdown" => ContentType.Markdown,
            _ => throw new WardenHttpException(StatusCodes.Status400BadRequest, "invalid_request", "\"content_type\" must be text, html or markdown"),
        };
        var mode = request.Mode switch
        {
            null => options.DefaultMode,
            "datamark" => SpotlightMode.Datamark,
            "delimit" => SpotlightMode.Delimit,
            _ => throw new WardenHttpException(StatusCodes.Status400BadRequest, "invalid_request", "\"mode\" must be delimit or datamark"),
        };

        var result = engine.Screener.Screen(request.Content, type, mode, request.Source);
        services.GetRequiredService<ScreeningMetrics>().Record(result.Injection.Detected, result.Sanitized.Findings.Count);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Warden.Screening");
        LogScreened(logger, type, result.Injection.Score, result.Injection.Detected, result.Sanitized.Findings.Count);

        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, ScreenResponse.From(result, options.Threshold), ScreeningJsonContext.Default.ScreenResponse, context.RequestAborted);
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Screened {ContentType} content: score {Score:F3}, detected {Detected}, {Findings} findings")]
    private static partial void LogScreened(ILogger logger, ContentType contentType, double score, bool detected, int findings);
}
