using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Detection;
using Warden.Core.Detection.Operators;
using Warden.Core.Pseudonymization;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Detection;

/// <summary>
/// <c>POST /api/scrub</c> (authenticated): <c>{"text"}</c> or <c>{"messages":[{"role","content"}]}</c>, optional
/// <c>entities</c>, <c>operator</c> (redact, mask, hash, encrypt, pseudonymize), <c>language</c> (en) and <c>session</c>
/// (pseudonymize). Answers the scrubbed text (or messages) and the findings (offsets into the original text; values never
/// echoed). Malformed input gets 400 problem+json, an oversized body 413.
/// </summary>
public static class ScrubEndpoints
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEndpointConventionBuilder MapWardenScrub(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapPost("/api/scrub", HandleAsync);
    }

    private static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var limits = services.GetRequiredService<ScrubEndpointOptions>();
        var engine = services.GetRequiredService<DetectionEngine>();
        var request = await ReadAsync(context, limits, engine);

        var keys = services.GetRequiredService<ScrubKeys>();
        var opOptions = new OperatorOptions { Operator = request.Operator, HashKey = keys.HashKey, EncryptionKey = keys.EncryptionKey };
        IPseudonymizationSession? session = null;
        if (request.Operator == ScrubOperator.Pseudonymize)
        {
            session = services.GetRequiredService<IPseudonymizer>().OpenSession(request.Session, request.Entities, request.Fakes);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await using (var w = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions))
        {
            w.WriteStartObject();
            if (request.Text is not null)
            {
                var findings = engine.Analyze(request.Text, request.Entities);
                w.WriteString("text", Apply(request.Text, findings, opOptions, session));
                WriteFindings(w, findings, null);
            }
            else
            {
                var all = new List<(int Index, IReadOnlyList<Finding> Findings)>();
                w.WriteStartArray("messages");
                for (var i = 0; i < request.Messages!.Count; i++)
                {
                    var (role, content) = request.Messages[i];
                    var findings = engine.Analyze(content, request.Entities);
                    all.Add((i, findings));
                    w.WriteStartObject();
                    w.WriteString("role", role);
                    w.WriteString("content", Apply(content, findings, opOptions, session));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("findings");
                foreach (var (index, findings) in all)
                {
                    WriteFindingItems(w, findings, index);
                }

                w.WriteEndArray();
            }

            if (session is PseudonymizationSession ps)
            {
                w.WriteString("session", ps.Id);
            }

            w.WriteString("operator", request.Operator.ToString().ToLowerInvariant());
            w.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private static string Apply(string text, IReadOnlyList<Finding> findings, OperatorOptions options, IPseudonymizationSession? session) =>
        session is PseudonymizationSession ps ? ps.Protect(text, findings) : Anonymizer.Apply(text, findings, options);

    private static void WriteFindings(Utf8JsonWriter w, IReadOnlyList<Finding> findings, int? message)
    {
        w.WriteStartArray("findings");
        WriteFindingItems(w, findings, message);
        w.WriteEndArray();
    }

    private static void WriteFindingItems(Utf8JsonWriter w, IReadOnlyList<Finding> findings, int? message)
    {
        foreach (var f in findings)
        {
            w.WriteStartObject();
            if (message is { } m)
            {
                w.WriteNumber("message", m);
            }

            w.WriteString("type", f.Type);
            w.WriteNumber("start", f.Start);
            w.WriteNumber("end", f.End);
            w.WriteNumber("score", Math.Round(f.Score, 3));
            w.WriteString("recognizer", f.Recognizer);
            if (f.Kind is not null)
            {
                w.WriteString("kind", f.Kind);
            }

            w.WriteEndObject();
        }
    }

    private static async Task<ScrubRequest> ReadAsync(HttpContext context, ScrubEndpointOptions limits, DetectionEngine engine)
    {
        if (context.Request.ContentLength > limits.MaxBodyBytes)
        {
            throw new WardenHttpException(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"request body exceeds {limits.MaxBodyBytes} bytes");
        }

        if (!(context.Request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new WardenHttpException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "send application/json");
        }

        // Read at most MaxBodyBytes + 1 bytes: chunked bodies cannot exceed the limit unnoticed.
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limits.MaxBodyBytes)
            {
                throw new WardenHttpException(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"request body exceeds {limits.MaxBodyBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        if (!System.Text.Unicode.Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
        {
            // Checked whole: the reader validates UTF-8 only in the strings it decodes, so a bad name would be skipped.
            throw new WardenHttpException(StatusCodes.Status400BadRequest, "invalid_json", "request body is not valid UTF-8");
        }

        try
        {
            using var doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
            return ScrubRequest.From(doc.RootElement, limits, engine);
        }
        catch (JsonException)
        {
            throw new WardenHttpException(StatusCodes.Status400BadRequest, "invalid_json", "request body is not valid JSON (or names one property twice)");
        }
        catch (InvalidOperationException)
        {
            // Valid JSON grammar, but a string escapes a lone UTF-16 surrogate or holds invalid UTF-8.
            throw new WardenHttpException(StatusCodes.Status400BadRequest, "invalid_json", "request body holds text that is not valid Unicode (a lone surrogate escape or invalid UTF-8)");
        }
    }
}
