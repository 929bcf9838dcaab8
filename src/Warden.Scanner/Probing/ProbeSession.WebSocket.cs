using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Warden.Scanner.Probing;

/// <summary>The WebSocket half of <see cref="ProbeSession"/>.</summary>
internal sealed partial class ProbeSession
{
    private const int MaxFrameBytes = 256 * 1024;
    private const int MaxFramesBeforeAnswer = 8;
    private const string ConnectRequestId = "warden-scan-1";

    /// <summary>
    /// Opens a WebSocket (optionally with a foreign <c>Origin</c>), reads the gateway's first frame,
    /// sends one <c>connect</c> request with no credentials and no scopes, reads the answer, and
    /// disconnects at once whatever it was. No other method is ever called.
    /// </summary>
    public async Task<WebSocketProbeResult> WebSocketHandshakeAsync(Uri httpBase, string? origin, CancellationToken cancellationToken)
    {
        var wsUri = new UriBuilder(httpBase) { Scheme = httpBase.Scheme == "https" ? "wss" : "ws" }.Uri;
        var requestLine = $"WS {wsUri}" + (origin is null ? " (no Origin)" : $" (Origin: {origin})") + " then connect{auth: none, scopes: []}";
        await _rateLimiter.WaitAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ProbeTimeout);
        using var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        ws.Options.KeepAliveInterval = TimeSpan.Zero;
        ws.Options.SetRequestHeader("User-Agent", $"{ScannerInfo.Name}/{ScannerInfo.Version}");
        if (origin is not null)
        {
            ws.Options.SetRequestHeader("Origin", origin);
        }

        var result = new WebSocketProbeResult { EvidenceId = string.Empty, Origin = origin, Outcome = ConnectOutcome.NoAnswer };
        try
        {
            await ws.ConnectAsync(wsUri, _invoker, timeout.Token);
        }
        catch (WebSocketException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var status = ws.HttpStatusCode == 0 ? (int?)null : (int)ws.HttpStatusCode;
            result = result with { UpgradeStatus = status, Outcome = ConnectOutcome.UpgradeRefused };
            return result with { EvidenceId = Record("ws", requestLine, status, "upgrade refused", status is null ? ex.WebSocketErrorCode.ToString() : null) };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return result with { EvidenceId = Record("ws", requestLine, null, string.Empty, "upgrade timed out") };
        }
        catch (HttpRequestException ex)
        {
            return result with { Outcome = ConnectOutcome.UpgradeRefused, EvidenceId = Record("ws", requestLine, null, string.Empty, ex.HttpRequestError.ToString()) };
        }

        result = result with { UpgradeStatus = 101 };
        try
        {
            result = await HandshakeAsync(ws, result, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // No (further) answer within the probe timeout: result already says what was seen.
        }
        catch (WebSocketException)
        {
            result = result with { Outcome = result.Outcome == ConnectOutcome.NoAnswer ? ConnectOutcome.Closed : result.Outcome };
        }
        finally
        {
            // Disconnect at once, whatever the answer was.
            ws.Abort();
        }

        return result with { EvidenceId = Record("ws", requestLine, result.UpgradeStatus, Describe(result), null) };
    }

    private async Task<WebSocketProbeResult> HandshakeAsync(ClientWebSocket ws, WebSocketProbeResult result, CancellationToken cancellationToken)
    {
        // 1. The gateway speaks first on current releases (connect.challenge); older ones wait for
        //    the client. A receive is left pending (cancelling it would abort the socket) while we
        //    wait a bounded time for that unsolicited frame.
        Task<(string? Frame, string? Close)>? pending = ReceiveAsync(ws, cancellationToken);
        using (var firstWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var delay = Task.Delay(_options.FirstFrameWait, _time, firstWait.Token);
            var first = await Task.WhenAny(pending, delay);
            await firstWait.CancelAsync();
            if (first == pending)
            {
                var (frame, close) = await pending;
                pending = null;
                if (close is not null)
                {
                    return result with { Outcome = ConnectOutcome.Closed, Close = close };
                }

                result = ClassifyFirstFrame(result, frame!);
            }
            else
            {
                result = result with { FirstFrame = "(none)" };
            }
        }

        // 2. One connect request: no auth, no device identity, no scopes.
        await ws.SendAsync(BuildConnectFrame(), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

        // 3. Read until the answer to our request (skipping events), then stop.
        for (var i = 0; i < MaxFramesBeforeAnswer; i++)
        {
            var (frame, close) = await (pending ?? ReceiveAsync(ws, cancellationToken));
            pending = null;
            if (close is not null)
            {
                return result with { Outcome = ConnectOutcome.Closed, Close = close };
            }

            var answer = ClassifyAnswer(result, frame!);
            if (answer is not null)
            {
                return answer;
            }
        }

        return result with { Outcome = ConnectOutcome.Unrecognised };
    }

    private static WebSocketProbeResult ClassifyFirstFrame(WebSocketProbeResult result, string frame)
    {
        try
        {
            using var doc = JsonDocument.Parse(frame);
            var root = doc.RootElement;
            var type = Str(root, "type");
            var evt = Str(root, "event");
            return result with
            {
                FirstFrame = evt is null ? type ?? "(json)" : $"{type}:{evt}",
                ChallengeSeen = type == "event" && evt == "connect.challenge",
                OpenClawFrames = result.OpenClawFrames || type is "event" or "res" or "req",
            };
        }
        catch (JsonException)
        {
            return result with { FirstFrame = "(not json)" };
        }
    }

    private static WebSocketProbeResult? ClassifyAnswer(WebSocketProbeResult result, string frame)
    {
        try
        {
            using var doc = JsonDocument.Parse(frame);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return result with { Outcome = ConnectOutcome.Unrecognised };
            }

            var type = Str(root, "type");
            if (type == "event")
            {
                return null; // e.g. ticks or presence; keep waiting for our answer
            }

            if (type != "res")
            {
                return result with { Outcome = ConnectOutcome.Unrecognised };
            }

            result = result with { OpenClawFrames = true };
            var ok = root.TryGetProperty("ok", out var okEl) && okEl.ValueKind == JsonValueKind.True;
            if (ok)
            {
                string? version = null;
                if (root.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object
                    && payload.TryGetProperty("server", out var server) && server.ValueKind == JsonValueKind.Object)
                {
                    version = Str(server, "version");
                }

                var helloOk = root.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object && Str(p, "type") == "hello-ok";
                return result with { Outcome = helloOk || version is not null ? ConnectOutcome.Accepted : ConnectOutcome.Unrecognised, ServerVersion = Bound(version, 64) };
            }

            string? code = null, message = null;
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                code = Str(error, "code");
                message = Str(error, "message");
                if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object)
                {
                    code = Str(details, "code") is { } detailCode ? $"{code}/{detailCode}" : code;
                }
            }

            return result with { Outcome = ConnectOutcome.Rejected, ErrorCode = Bound(code, 80), ErrorMessage = Bound(message, 200) };
        }
        catch (JsonException)
        {
            return result with { Outcome = ConnectOutcome.Unrecognised };
        }
    }

    private static ReadOnlyMemory<byte> BuildConnectFrame()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "req");
            w.WriteString("id", ConnectRequestId);
            w.WriteString("method", "connect");
            w.WriteStartObject("params");
            w.WriteNumber("minProtocol", 1);
            w.WriteNumber("maxProtocol", 4);
            w.WriteStartObject("client");
            w.WriteString("id", "cli");
            w.WriteString("version", ScannerInfo.Version);
            w.WriteString("platform", "warden-scan");
            w.WriteString("mode", "operator");
            w.WriteEndObject();
            w.WriteString("role", "operator");
            w.WriteStartArray("scopes");
            w.WriteEndArray();
            w.WriteStartArray("caps");
            w.WriteEndArray();
            w.WriteStartArray("commands");
            w.WriteEndArray();
            w.WriteStartObject("permissions");
            w.WriteEndObject();
            w.WriteString("locale", "en-US");
            w.WriteString("userAgent", $"{ScannerInfo.Name}/{ScannerInfo.Version}");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static async Task<(string? Frame, string? Close)> ReceiveAsync(ClientWebSocket ws, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var message = new MemoryStream();
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    var description = ws.CloseStatusDescription;
                    return (null, $"{(int?)ws.CloseStatus} {Bound(description, 200)}".Trim());
                }

                if (message.Length + r.Count > MaxFrameBytes)
                {
                    throw new WebSocketException(WebSocketError.Faulted, "frame too large");
                }

                message.Write(buffer, 0, r.Count);
                if (r.EndOfMessage)
                {
                    return (Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length), null);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Describe(WebSocketProbeResult r)
    {
        var parts = new List<string> { $"first frame: {r.FirstFrame ?? "(none)"}" };
        parts.Add(r.Outcome switch
        {
            ConnectOutcome.Accepted => $"connect answer: hello-ok (accepted without credentials; disconnected at once), server.version={r.ServerVersion ?? "(absent)"}",
            ConnectOutcome.Rejected => $"connect answer: error code={r.ErrorCode ?? "(none)"} message=\"{r.ErrorMessage}\"",
            ConnectOutcome.Closed => $"closed by server: {r.Close}",
            ConnectOutcome.NoAnswer => "no answer to connect",
            _ => "unrecognised answer",
        });
        return Excerpts.Clean(string.Join("; ", parts));
    }

    private static string? Str(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Bound(string? text, int max) =>
        text is null ? null : Excerpts.Clean(text.Length > max ? text[..max] : text);
}
