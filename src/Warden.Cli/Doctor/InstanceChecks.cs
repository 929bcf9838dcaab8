using System.Text;

namespace Warden.Cli.Doctor;

/// <summary>Shared probing for checks against a running instance (never sends a credential).</summary>
internal static class InstanceProbe
{
    public static async Task<(int? Status, HttpResponseMessage? Response)> SendAsync(DoctorContext context, HttpMethod method, string path, string? origin, CancellationToken cancellationToken, bool jsonBody = false, string? preflightMethod = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(context.InstanceUri!, path.TrimStart('/')));
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        if (preflightMethod is not null)
        {
            request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", preflightMethod);
            request.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "authorization, content-type");
        }

        if (jsonBody)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            var response = await context.Http.SendAsync(request, timeout.Token);
            return ((int)response.StatusCode, response);
        }
        catch (HttpRequestException)
        {
            return (null, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, null);
        }
    }
}

/// <summary>/healthz and /readyz answer without credentials (they are the only anonymous endpoints).</summary>
internal sealed class InstanceHealthCheck : IDoctorCheck
{
    public string Id => "instance-health";

    public async Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        if (context.InstanceUri is null)
        {
            return DoctorResult.NotChecked(Id, "no running instance given (--url)");
        }

        var (live, liveResponse) = await InstanceProbe.SendAsync(context, HttpMethod.Get, "/healthz", null, cancellationToken);
        liveResponse?.Dispose();
        if (live is null)
        {
            return DoctorResult.Fail(Id, $"{context.InstanceUri} does not answer", "start warden serve or check the URL");
        }

        var (ready, readyResponse) = await InstanceProbe.SendAsync(context, HttpMethod.Get, "/readyz", null, cancellationToken);
        readyResponse?.Dispose();
        return live == 200 && ready == 200
            ? DoctorResult.Pass(Id, "/healthz and /readyz answer 200 without credentials")
            : DoctorResult.Warn(Id, $"/healthz answered {live}, /readyz answered {ready}", "the instance is not ready (database unreachable?) or the probes are blocked by a proxy");
    }
}

/// <summary>Every endpoint but /healthz and /readyz refuses a request without credentials.</summary>
internal sealed class InstanceAuthCheck : IDoctorCheck
{
    /// <summary>Endpoints probed without credentials; POST bodies are an invalid empty object.</summary>
    internal static readonly (string Method, string Path)[] Probes =
    [
        ("GET", "/v1/models"),
        ("POST", "/v1/chat/completions"),
        ("POST", "/v1/messages"),
        ("POST", "/v1/responses"),
        ("POST", "/v1/embeddings"),
        ("POST", "/api/openclaw-scan"),
        ("GET", "/api/agents"),
        ("GET", "/api/audit"),
        ("GET", "/api/policy"),
        ("GET", "/admin"),
        ("GET", "/metrics"),
        ("GET", "/"),
        ("GET", "/warden-doctor-unknown-path"),
    ];

    public string Id => "instance-auth";

    public async Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        if (context.InstanceUri is null)
        {
            return DoctorResult.NotChecked(Id, "no running instance given (--url)");
        }

        var open = new List<string>();
        var answered = 0;
        foreach (var (method, path) in Probes)
        {
            var (status, response) = await InstanceProbe.SendAsync(context, new HttpMethod(method), path, null, cancellationToken, jsonBody: method == "POST");
            response?.Dispose();
            if (status is null)
            {
                continue;
            }

            answered++;
            if (status is not (401 or 403 or 404 or 405))
            {
                open.Add($"{method} {path} -> {status}");
            }
        }

        if (answered == 0)
        {
            return DoctorResult.Fail(Id, $"{context.InstanceUri} does not answer", "start warden serve or check the URL");
        }

        var cleartext = context.InstanceUri.Scheme == "http" && !BindAddressCheck.IsLoopback(context.InstanceUri);
        if (open.Count > 0)
        {
            return DoctorResult.Fail(Id, "answered without credentials: " + string.Join(", ", open), "every endpoint except /healthz and /readyz must require a credential; check endpoints mapped without RequireWarden* or AllowWardenAnonymous misuse");
        }

        return cleartext
            ? DoctorResult.Fail(Id, $"every probed endpoint requires credentials, but {context.InstanceUri} is plain HTTP on a non-loopback address", "serve Warden over TLS")
            : DoctorResult.Pass(Id, $"all {answered} probed endpoints refuse requests without credentials");
    }
}

/// <summary>
/// No cross-origin grant to a foreign Origin on the streaming (SSE) endpoints, so a web page on
/// another site cannot read Warden responses. This build exposes no WebSocket endpoint to check.
/// </summary>
internal sealed class InstanceOriginCheck : IDoctorCheck
{
    public const string ForeignOrigin = "https://warden-doctor-origin-probe.invalid";

    public string Id => "instance-origin";

    public async Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        if (context.InstanceUri is null)
        {
            return DoctorResult.NotChecked(Id, "no running instance given (--url)");
        }

        var granted = new List<string>();
        foreach (var (method, path, preflight) in new[] { ("OPTIONS", "/v1/chat/completions", "POST"), ("OPTIONS", "/v1/messages", "POST"), ("GET", "/healthz", (string?)null) })
        {
            var (status, response) = await InstanceProbe.SendAsync(context, new HttpMethod(method), path, ForeignOrigin, cancellationToken, preflightMethod: preflight);
            using (response)
            {
                if (status is null || response is null)
                {
                    continue;
                }

                var allow = response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? string.Join(",", values) : null;
                if (allow is not null && (allow.Trim() == "*" || allow.Contains(ForeignOrigin, StringComparison.OrdinalIgnoreCase)))
                {
                    granted.Add($"{method} {path}: Access-Control-Allow-Origin {allow}");
                }
            }
        }

        return granted.Count > 0
            ? DoctorResult.Fail(Id, "a foreign Origin is granted cross-origin access: " + string.Join("; ", granted), "remove the CORS policy or restrict it to the exact trusted origins")
            : DoctorResult.Pass(Id, "a foreign Origin gets no cross-origin grant on the SSE endpoints; no WebSocket endpoint exists in this build to check");
    }
}
