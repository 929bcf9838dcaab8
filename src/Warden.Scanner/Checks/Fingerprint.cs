using Warden.Scanner.Probing;

namespace Warden.Scanner.Checks;

/// <summary>What the first probes of an endpoint revealed; shared by every check.</summary>
internal sealed record Fingerprint
{
    /// <summary>The Control UI page URL probed.</summary>
    public required Uri BaseUri { get; init; }

    /// <summary>Where the gateway (WebSocket, health, HTTP APIs) is rooted.</summary>
    public required Uri GatewayRoot { get; init; }

    /// <summary>GET of the base path (the Control UI, when served).</summary>
    public required HttpProbeResult Page { get; init; }

    /// <summary>GET /healthz (liveness; unauthenticated by design on current releases).</summary>
    public HttpProbeResult? Healthz { get; init; }

    /// <summary>GET /readyz (readiness).</summary>
    public HttpProbeResult? Readyz { get; init; }

    /// <summary>The credential-less handshake without an Origin header.</summary>
    public WebSocketProbeResult? Handshake { get; init; }

    /// <summary>Control UI markers found in the page (title, custom element).</summary>
    public IReadOnlyList<string> UiMarkers { get; init; } = [];

    /// <summary>Brand named by the Control UI (<c>OpenClaw</c>, <c>Clawdbot</c>, <c>Moltbot</c>), if any.</summary>
    public string? Brand { get; init; }

    /// <summary>Evidence ids that support detection.</summary>
    public IReadOnlyList<string> EvidenceIds { get; init; } = [];

    /// <summary>True when this is an OpenClaw-family gateway.</summary>
    public bool Detected => UiMarkers.Count > 0 || (Handshake?.ChallengeSeen ?? false) || (Handshake?.OpenClawFrames ?? false);

    /// <summary>True when the Control UI page itself was recognised.</summary>
    public bool ControlUiServed => UiMarkers.Count > 0;
}
