using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Core.Audit;
using Warden.Gateway.Authentication;
using Warden.Gateway.Errors;
using Warden.Scanner;
using Warden.Scanner.Findings;
using Warden.Scanner.Output;
using Warden.Scanner.Targets;

namespace Warden.Gateway.Scanner;

/// <summary>
/// <c>POST /api/openclaw-scan</c>: runs the OpenClaw exposure scanner with the CLI's limits.
/// Requires the <c>scanner</c> permission; the request (who scanned what) is audited before the
/// scan starts and the outcome after it ends, and an audit failure fails the request closed.
/// Body: <c>{"targets": ["host", ...], "format": "json"|"sarif", "timeoutSeconds", "concurrency", "maxHosts", "deadlineSeconds"}</c>;
/// the numbers can only tighten the server's limits.
/// </summary>
public static partial class ScannerEndpoints
{
    /// <summary>The permission the endpoint requires.</summary>
    public const string Permission = "scanner";

    /// <summary>Maps <c>POST /api/openclaw-scan</c>.</summary>
    public static IEndpointRouteBuilder MapWardenScanner(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/openclaw-scan", HandleAsync).RequireWardenPermission(Permission);
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<ScannerEndpointOptions>();
        var gate = services.GetRequiredService<ScanGate>();
        var audit = services.GetRequiredService<IAuditTrail>();
        var time = services.GetRequiredService<TimeProvider>();
        var metrics = services.GetRequiredService<ScannerMetrics>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Warden.Gateway.Scanner");
        var principal = context.RequireWardenPrincipal();
        var ct = context.RequestAborted;

        ScanRequest request;
        try
        {
            request = await ReadRequestAsync(context, options, ct);
        }
        catch (ScanRequestException ex)
        {
            metrics.Scan("rejected");
            await WardenErrors.WriteAsync(context, ex.Status, "invalid_request", ex.Message);
            return;
        }

        if (await FirstRefusedTargetAsync(request, ct) is { } refused)
        {
            metrics.Scan("rejected");
            await WardenErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "target_not_allowed",
                $"target '{Bounded(refused, 256)}' is outside the scanner's allowed networks (Warden:Scanner:AllowedNetworks; link-local and cloud metadata addresses are never scanned)");
            return;
        }

        if (!gate.TryEnter())
        {
            metrics.Scan("rejected");
            context.Response.Headers.RetryAfter = "5";
            await WardenErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, "too_many_scans", "too many scans are running; retry later");
            return;
        }

        try
        {
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["targets"] = Bounded(string.Join(" ", request.Inputs), 512),
                ["target_count"] = request.Targets.Count.ToString(CultureInfo.InvariantCulture),
                ["format"] = request.Format,
            };
            try
            {
                await audit.AppendAsync(new AuditEvent { Type = "scanner.scan", PrincipalId = principal.Id, Action = "openclaw-scan", Decision = "allow", Attributes = attributes }, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAuditFailed(logger, ex.GetType().Name);
                metrics.Scan("audit_failed");
                await WardenErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "audit_unavailable", "the scan was not started because it could not be audited");
                return;
            }

            ScanReport report;
            using (var scanner = new OpenClawScanner(request.Limits, time))
            {
                report = await scanner.ScanAsync(request.Targets, progress: null, ct);
            }

            var outcome = new Dictionary<string, string>(attributes, StringComparer.Ordinal)
            {
                ["detected"] = report.Hosts.Count(h => h.Detected).ToString(CultureInfo.InvariantCulture),
                ["findings"] = report.AllFindings.Count(f => f.Severity > Severity.Info).ToString(CultureInfo.InvariantCulture),
                ["highest_severity"] = report.Highest is { } h ? SeverityNames.Name(h) : "none",
                ["deadline_reached"] = report.DeadlineReached ? "true" : "false",
            };
            try
            {
                await audit.AppendAsync(new AuditEvent { Type = "scanner.result", PrincipalId = principal.Id, Action = "openclaw-scan", Status = report.ExitCode, Attributes = outcome }, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAuditFailed(logger, ex.GetType().Name);
                metrics.Scan("audit_failed");
                await WardenErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "audit_unavailable", "the scan result could not be audited and is withheld");
                return;
            }

            metrics.Completed(report);
            var detected = report.Hosts.Count(h => h.Detected);
            LogScanCompleted(logger, principal.Id, request.Targets.Count, detected, report.ExitCode);
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.Headers["warden-scan-exit-code"] = report.ExitCode.ToString(CultureInfo.InvariantCulture);
            // Serialise to memory first: Kestrel forbids synchronous writes to the response body.
            using var buffer = new MemoryStream();
            if (request.Format == "sarif")
            {
                context.Response.ContentType = "application/sarif+json";
                SarifWriter.Write(buffer, report);
            }
            else
            {
                context.Response.ContentType = "application/json";
                JsonReportWriter.Write(buffer, report);
            }

            buffer.Position = 0;
            await buffer.CopyToAsync(context.Response.Body, ct);
        }
        finally
        {
            gate.Exit();
        }
    }

    private static async Task<ScanRequest> ReadRequestAsync(HttpContext context, ScannerEndpointOptions options, CancellationToken ct)
    {
        if (context.Request.ContentLength > options.MaxRequestBytes)
        {
            throw new ScanRequestException(StatusCodes.Status413PayloadTooLarge, "request body too large");
        }

        using var body = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > options.MaxRequestBytes)
            {
                throw new ScanRequestException(StatusCodes.Status413PayloadTooLarge, "request body too large");
            }

            body.Write(buffer, 0, read);
        }

        if (!System.Text.Unicode.Utf8.IsValid(body.GetBuffer().AsSpan(0, (int)body.Length)))
        {
            throw new ScanRequestException(StatusCodes.Status400BadRequest, "the request body is not valid UTF-8");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            throw new ScanRequestException(StatusCodes.Status400BadRequest, "body must be a JSON object");
        }

        using (doc)
        {
            return Parse(doc.RootElement, options);
        }
    }

    /// <summary>A string value; one that escapes a lone UTF-16 surrogate (valid JSON grammar, no text) is a 400.</summary>
    private static string Text(JsonElement e)
    {
        try
        {
            return e.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new ScanRequestException(StatusCodes.Status400BadRequest, "the request body escapes a lone UTF-16 surrogate (\\uD800-\\uDFFF without its pair)");
        }
    }

    private static ScanRequest Parse(JsonElement root, ScannerEndpointOptions options)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("targets", out var targetsEl) || targetsEl.ValueKind != JsonValueKind.Array || targetsEl.GetArrayLength() == 0)
        {
            throw new ScanRequestException(StatusCodes.Status400BadRequest, "'targets' must be a non-empty array of strings");
        }

        var inputs = new List<string>();
        foreach (var t in targetsEl.EnumerateArray())
        {
            if (t.ValueKind != JsonValueKind.String)
            {
                throw new ScanRequestException(StatusCodes.Status400BadRequest, "'targets' must be strings");
            }

            inputs.Add(Text(t));
        }

        var format = root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? Text(f).ToLowerInvariant() : "json";
        if (format is not ("json" or "sarif"))
        {
            throw new ScanRequestException(StatusCodes.Status400BadRequest, "'format' must be json or sarif");
        }

        var server = options.Limits;
        var limits = server with
        {
            ProbeTimeout = Tighten(root, "timeoutSeconds", server.ProbeTimeout),
            Deadline = Tighten(root, "deadlineSeconds", server.Deadline),
            Concurrency = (int)Math.Min(server.Concurrency, Number(root, "concurrency") ?? server.Concurrency),
            MaxHosts = (int)Math.Min(server.MaxHosts, Number(root, "maxHosts") ?? server.MaxHosts),
        };
        if (limits.FirstFrameWait > limits.ProbeTimeout)
        {
            limits = limits with { FirstFrameWait = limits.ProbeTimeout / 2 };
        }

        var errors = limits.Validate();
        if (errors.Count > 0)
        {
            throw new ScanRequestException(StatusCodes.Status400BadRequest, errors[0]);
        }

        try
        {
            return new ScanRequest(inputs, TargetParser.ParseAll(inputs, limits), limits, format);
        }
        catch (FormatException ex)
        {
            throw new ScanRequestException(StatusCodes.Status400BadRequest, ex.Message);
        }
    }

    /// <summary>The first target with a host the network policy refuses entirely (the scanner also checks every connect).</summary>
    private static async Task<string?> FirstRefusedTargetAsync(ScanRequest request, CancellationToken ct)
    {
        var policy = request.Limits.Networks;
        if (policy.IsUnrestricted)
        {
            return null;
        }

        var checkedHosts = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        foreach (var target in request.Targets)
        {
            foreach (var candidate in target.Candidates)
            {
                var host = candidate.GatewayRoot.IdnHost;
                if (!checkedHosts.TryGetValue(host, out var ok))
                {
                    try
                    {
                        ok = (await policy.AllowedAddressesAsync(host, ct)).Length > 0;
                    }
                    catch (System.Net.Sockets.SocketException)
                    {
                        ok = true; // unresolvable: nothing to reach; the scan reports it unreachable
                    }

                    checkedHosts[host] = ok;
                }

                if (!ok)
                {
                    return target.Input;
                }
            }
        }

        return null;
    }

    private static TimeSpan Tighten(JsonElement root, string name, TimeSpan server) =>
        Number(root, name) is { } seconds ? TimeSpan.FromSeconds(Math.Min(seconds, server.TotalSeconds)) : server;

    private static double? Number(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var v))
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d > 0 && double.IsFinite(d)
            ? d
            : throw new ScanRequestException(StatusCodes.Status400BadRequest, $"'{name}' must be a positive number");
    }

    private static string Bounded(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "OpenClaw scan refused: audit append failed ({ExceptionType})")]
    private static partial void LogAuditFailed(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "OpenClaw scan by {PrincipalId}: {TargetCount} target(s), {Detected} gateway(s) found, exit code {ExitCode}")]
    private static partial void LogScanCompleted(ILogger logger, string principalId, int targetCount, int detected, int exitCode);

    private sealed record ScanRequest(IReadOnlyList<string> Inputs, IReadOnlyList<ScanTarget> Targets, ScanOptions Limits, string Format);

    private sealed class ScanRequestException(int status, string message) : Exception(message)
    {
        public int Status { get; } = status;
    }
}
