using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Warden.Scanner.Tests.Fakes;

/// <summary>
/// A fake OpenClaw gateway on real Kestrel (127.0.0.1, port 0): Control UI page, health probes,
/// WebSocket gateway with the documented frames, and the HTTP surfaces. It records everything it
/// receives so tests can prove the scanner never sent a credential or called a method.
/// </summary>
public sealed class FakeOpenClawGateway : IAsyncDisposable
{
    /// <summary>Canary: the device token a vulnerable gateway hands out. It must never appear in a report.</summary>
    public const string DeviceTokenCanary = "devtok-CANARY-7f3a9c-never-in-reports";

    private readonly WebApplication _app;

    private FakeOpenClawGateway(WebApplication app, FakeGatewayProfile profile)
    {
        _app = app;
        Profile = profile;
    }

    public FakeGatewayProfile Profile { get; }

    public Uri BaseUri { get; private set; } = null!;

    public int Port => BaseUri.Port;

    /// <summary>Every HTTP request line with its headers.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Every WebSocket text frame the client sent.</summary>
    public ConcurrentQueue<string> ClientFrames { get; } = new();

    /// <summary>Every request header name/value seen (for the no-credentials assertion).</summary>
    public ConcurrentQueue<KeyValuePair<string, string>> Headers { get; } = new();

    public static async Task<FakeOpenClawGateway> StartAsync(FakeGatewayProfile profile)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeOpenClawGateway(app, profile);
        app.UseWebSockets();
        app.Use(async (ctx, next) =>
        {
            fake.Requests.Enqueue($"{ctx.Request.Method} {ctx.Request.Path}");
            foreach (var h in ctx.Request.Headers)
            {
                fake.Headers.Enqueue(new(h.Key, h.Value.ToString()));
            }

            if (ctx.WebSockets.IsWebSocketRequest)
            {
                await fake.HandleWebSocketAsync(ctx);
                return;
            }

            await next(ctx);
        });

        app.MapGet("/", (HttpContext ctx) => fake.ControlUi(ctx));
        if (profile.HealthEndpoints)
        {
            app.MapGet("/healthz", () => Results.Json(new { ok = true, status = "live" }));
            app.MapGet("/readyz", () => Results.Json(new { ready = true }));
        }

        app.MapPost("/tools/invoke", (HttpContext ctx) => fake.Guarded(ctx, () => Results.Json(new { ok = false, error = new { type = "invalid_request", message = "tool name required" } }, statusCode: 400)));
        app.MapGet("/v1/models", (HttpContext ctx) => fake.Guarded(ctx, () => Results.Json(new { @object = "list", data = new[] { new { id = "openclaw:main", @object = "model" } } })));
        app.MapPost("/hooks/wake", (HttpContext ctx) => fake.Guarded(ctx, () => Results.Json(new { ok = false, error = "text required" }, statusCode: 400)));
        app.MapGet("/__openclaw__/canvas/", (HttpContext ctx) => fake.Guarded(ctx, () => Results.Content("<!doctype html><html><body><canvas id=\"agent-canvas\"></canvas></body></html>", "text/html")));

        await app.StartAsync();
        var address = app.Urls.First();
        fake.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        return fake;
    }

    private IResult ControlUi(HttpContext ctx)
    {
        if (Profile.AntiFraming)
        {
            ctx.Response.Headers["Content-Security-Policy"] = "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; script-src 'self'";
            ctx.Response.Headers["X-Frame-Options"] = "DENY";
            ctx.Response.Headers["Referrer-Policy"] = "no-referrer";
        }

        var html = $"<!doctype html><html lang=\"en\"><head><meta charset=\"UTF-8\" /><title>{Profile.Title}</title></head><body><{Profile.AppTag}></{Profile.AppTag}><script type=\"module\" src=\"/assets/index.js\"></script></body></html>";
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private IResult Guarded(HttpContext ctx, Func<IResult> open)
    {
        if (Profile.HttpAuth && ctx.Request.Headers.Authorization.Count == 0)
        {
            return Results.Json(new { error = new { message = "Unauthorized", type = "unauthorized" } }, statusCode: 401);
        }

        return open();
    }

    private async Task HandleWebSocketAsync(HttpContext ctx)
    {
        var origin = ctx.Request.Headers.Origin.ToString();
        using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
        var ct = ctx.RequestAborted;
        if (Profile.SendChallenge)
        {
            await SendAsync(ws, new { type = "event", @event = "connect.challenge", payload = new { nonce = Guid.NewGuid().ToString("N"), ts = 1737264000000 } }, ct);
        }

        var first = await ReceiveAsync(ws, ct);
        if (first is null)
        {
            return;
        }

        using var doc = JsonDocument.Parse(first);
        var id = doc.RootElement.TryGetProperty("id", out var idEl) ? idEl.GetString() : null;
        var method = doc.RootElement.TryGetProperty("method", out var m) ? m.GetString() : null;
        if (method != "connect")
        {
            await ws.CloseAsync(WebSocketCloseStatus.PolicyViolation, "first frame must be connect", ct);
            return;
        }

        if (Profile.CheckOrigin && origin.Length > 0 && !string.Equals(origin, BaseUri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            await SendAsync(ws, new { type = "res", id, ok = false, error = new { code = "INVALID_REQUEST", message = "origin not allowed" } }, ct);
            await ws.CloseAsync(WebSocketCloseStatus.PolicyViolation, "origin not allowed", ct);
            return;
        }

        var hasAuth = doc.RootElement.GetProperty("params").TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.Object;
        if (Profile.RequireAuth && !hasAuth)
        {
            await SendAsync(ws, new { type = "res", id, ok = false, error = new { code = "UNAUTHORIZED", message = "unauthorized: gateway token missing", details = new { code = "AUTH_TOKEN_MISSING", recommendedNextStep = "update_auth_configuration" } } }, ct);
            await ws.CloseAsync(WebSocketCloseStatus.PolicyViolation, "unauthorized", ct);
            return;
        }

        await SendAsync(ws, new
        {
            type = "res",
            id,
            ok = true,
            payload = new
            {
                type = "hello-ok",
                protocol = 3,
                server = new { version = Profile.ServerVersion, connId = "c1" },
                features = new { methods = new[] { "health", "status", "config.apply", "chat.send" }, events = new[] { "tick" } },
                snapshot = new { },
                auth = new { role = "operator", scopes = new[] { "operator.admin" }, deviceToken = DeviceTokenCanary },
                policy = new { maxPayload = 26214400, maxBufferedBytes = 52428800, tickIntervalMs = 15000 },
            },
        }, ct);

        // Keep listening: any further frame would be a method call the scanner must never make.
        while (await ReceiveAsync(ws, ct) is not null)
        {
        }
    }

    private async Task<string?> ReceiveAsync(WebSocket ws, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var ms = new MemoryStream();
        try
        {
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer, ct);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                ms.Write(buffer, 0, r.Count);
                if (r.EndOfMessage)
                {
                    var text = Encoding.UTF8.GetString(ms.ToArray());
                    ClientFrames.Enqueue(text);
                    return text;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task SendAsync(WebSocket ws, object frame, CancellationToken ct)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(frame);
        await ws.SendAsync(bytes, WebSocketMessageType.Text, true, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
