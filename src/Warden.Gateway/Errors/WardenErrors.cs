using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Warden.Gateway.Errors;

/// <summary>
/// Writes errors in the caller's shape: Anthropic on <c>/v1/messages</c>, OpenAI on other
/// <c>/v1/*</c> paths, problem+json elsewhere. Warden's own errors carry a <c>warden_</c> code and the
/// header <c>warden-error-source: warden</c>; relayed provider errors say <c>upstream</c>.
/// </summary>
public static class WardenErrors
{
    /// <summary>Header naming who produced an error: <c>warden</c> or <c>upstream</c>.</summary>
    public const string SourceHeader = "warden-error-source";

    /// <summary>
    /// <see cref="HttpContext.Items"/> key of the stable code of the Warden error written for this request (<c>warden_…</c>;
    /// relayed provider errors are not named): the audit middleware puts it in the <c>gateway.rejected</c> record, so a
    /// refusal says why without its message.
    /// </summary>
    internal const string CodeItem = "warden.error.code";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The shape for a request path.</summary>
    internal static ErrorShape ShapeFor(PathString path)
    {
        var p = path.Value;
        if (p is null || !p.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase))
        {
            return ErrorShape.Problem;
        }

        return p.StartsWith("/v1/messages", StringComparison.OrdinalIgnoreCase) ? ErrorShape.Anthropic : ErrorShape.OpenAI;
    }

    /// <summary>Writes a Warden error (status, stable code such as <c>unauthorized</c>, safe message).</summary>
    public static Task WriteAsync(HttpContext context, int status, string code, string message) =>
        WriteAsync(context, ShapeFor(context.Request.Path), status, "warden_" + code, message, fromUpstream: false);

    internal static async Task WriteAsync(HttpContext context, ErrorShape shape, int status, string code, string message, bool fromUpstream)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = status;
        if (!fromUpstream)
        {
            context.Items[CodeItem] = code;
        }
        if (status == StatusCodes.Status413PayloadTooLarge)
        {
            // The rest of an oversized body is never read: Kestrel cannot drain it past the size limit and drops the
            // connection after the answer, so tell the client not to send its next request on this one.
            response.Headers.Connection = "close";
        }

        response.Headers[SourceHeader] = fromUpstream ? "upstream" : "warden";
        response.ContentType = shape == ErrorShape.Problem ? "application/problem+json" : "application/json";
        using (var w = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
        {
            switch (shape)
            {
                case ErrorShape.OpenAI:
                    w.WriteStartObject();
                    w.WriteStartObject("error");
                    w.WriteString("message", message);
                    w.WriteString("type", OpenAIType(status));
                    w.WriteNull("param");
                    w.WriteString("code", code);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    break;
                case ErrorShape.Anthropic:
                    w.WriteStartObject();
                    w.WriteString("type", "error");
                    w.WriteStartObject("error");
                    w.WriteString("type", AnthropicType(status));
                    w.WriteString("message", message);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    break;
                default:
                    w.WriteStartObject();
                    w.WriteString("type", "about:blank");
                    w.WriteString("title", Title(status));
                    w.WriteNumber("status", status);
                    w.WriteString("detail", message);
                    w.WriteString("code", code);
                    w.WriteString("source", fromUpstream ? "upstream" : "warden");
                    w.WriteEndObject();
                    break;
            }
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    internal static string OpenAIType(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    internal static string AnthropicType(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    private static string Title(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => status >= 500 ? "Server Error" : "Request Error",
    };
}
