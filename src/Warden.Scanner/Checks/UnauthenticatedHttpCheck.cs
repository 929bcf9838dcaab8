using Warden.Scanner.Findings;
using Warden.Scanner.Probing;

namespace Warden.Scanner.Checks;

/// <summary>
/// Probes the documented HTTP surfaces without credentials: tool invocation (<c>POST /tools/invoke</c>),
/// the OpenAI-compatible chat surface (<c>GET /v1/models</c>, read-only), hooks (<c>POST /hooks/wake</c>)
/// and the canvas host (<c>GET /__openclaw__/canvas/</c>). POST bodies are an empty JSON object,
/// which every one of these endpoints must reject as invalid, so nothing runs even when open.
/// 401/403/429 means auth is enforced; 404/405 means absent/disabled; any other answer to a POST
/// means the request passed authentication and reached validation, and a 200 to a GET means it
/// was served without credentials.
/// </summary>
internal sealed class UnauthenticatedHttpCheck : IOpenClawCheck
{
    private static readonly Surface[] Surfaces =
    [
        new("OC-HTTP-NOAUTH-TOOLS", "tools/invoke", Post: true, Severity.Critical, "Tool invocation endpoint answers without authentication",
            "Require gateway auth (token/password) and keep gateway.tools.allow minimal; upgrade to 2026.2.14 or later.", References.ToolsInvoke),
        new("OC-HTTP-NOAUTH-CHAT", "v1/models", Post: false, Severity.High, "OpenAI-compatible chat surface answers without authentication",
            "Disable gateway.http.endpoints.chatCompletions unless needed, and require gateway auth.", References.OpenAiHttp),
        new("OC-HTTP-NOAUTH-HOOKS", "hooks/wake", Post: true, Severity.Critical, "Webhook ingress accepts requests without the hook token",
            "Set hooks.token (required when hooks.enabled) and send it only in the Authorization header.", References.Webhooks),
        new("OC-HTTP-NOAUTH-CANVAS", "__openclaw__/canvas/", Post: false, Severity.Medium, "Canvas host is served without authentication",
            "Do not expose the gateway port beyond loopback; serve the canvas only to authenticated clients.", References.Architecture),
    ];

    public string Id => "OC-HTTP-NOAUTH";

    public async Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        foreach (var surface in Surfaces)
        {
            var uri = new Uri(context.Fingerprint.GatewayRoot, surface.Path);
            var probe = surface.Post
                ? await context.Session.PostEmptyJsonAsync(uri, cancellationToken)
                : await context.Session.GetAsync(uri, cancellationToken);
            if (!IsOpen(probe, surface.Post))
            {
                continue;
            }

            context.Report(new Finding(
                surface.Id,
                surface.Severity,
                surface.Title,
                uri.ToString(),
                $"{(surface.Post ? "POST with an empty JSON body" : "GET")} without credentials was answered with HTTP {probe.Status} instead of 401/403.",
                [probe.EvidenceId],
                surface.Remediation,
                [surface.Reference]));
        }
    }

    /// <summary>True when the answer shows the endpoint served an unauthenticated request.</summary>
    internal static bool IsOpen(HttpProbeResult probe, bool post)
    {
        if (probe.Status is not { } status)
        {
            return false;
        }

        if (status is 401 or 403 or 407 or 429 or 404 or 405 or 501 || status >= 500 || status is >= 300 and < 400)
        {
            return false;
        }

        if (!post)
        {
            // A single-page app may answer any path with its index page: only count real content.
            return status == 200 && !Fingerprinter.UiMarkers(probe.Body).Markers.Any();
        }

        return true;
    }

    private sealed record Surface(string Id, string Path, bool Post, Severity Severity, string Title, string Remediation, string Reference);
}
