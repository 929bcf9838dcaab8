namespace Warden.Scanner.Tests.Fakes;

/// <summary>
/// How a fake OpenClaw gateway behaves, reproduced from the public documentation
/// (docs/gateway/protocol.md, ui/index.html, src/gateway/control-ui-csp.ts, the webhook and
/// OpenAI-compatible HTTP docs, and the advisories' descriptions of the affected releases).
/// </summary>
public sealed record FakeGatewayProfile
{
    public required string Name { get; init; }

    /// <summary>Control UI &lt;title&gt; and custom element.</summary>
    public string Title { get; init; } = "OpenClaw Control";

    public string AppTag { get; init; } = "openclaw-app";

    /// <summary>Send CSP frame-ancestors 'none' and X-Frame-Options DENY on the Control UI.</summary>
    public bool AntiFraming { get; init; }

    /// <summary>Serve /healthz and /readyz (added in 2026.3.x).</summary>
    public bool HealthEndpoints { get; init; }

    /// <summary>Send the pre-connect connect.challenge event (current protocol).</summary>
    public bool SendChallenge { get; init; }

    /// <summary>gateway.auth.mode token (true) or none (false).</summary>
    public bool RequireAuth { get; init; }

    /// <summary>Reject browser Origins not in allowedOrigins with "origin not allowed".</summary>
    public bool CheckOrigin { get; init; }

    /// <summary>hello-ok.server.version.</summary>
    public string ServerVersion { get; init; } = "2026.6.1";

    /// <summary>HTTP endpoints (/tools/invoke, /v1/*, /hooks/*, canvas) require auth.</summary>
    public bool HttpAuth { get; init; }

    /// <summary>
    /// A release before 2026.1.29 with gateway.auth.mode "none", no Origin allow-list, no
    /// anti-framing headers, no health probes and the pre-challenge handshake; it answers the
    /// unauthenticated connect with hello-ok (server.version 2026.1.24) and a device token.
    /// </summary>
    public static FakeGatewayProfile VulnerableOld { get; } = new()
    {
        Name = "vulnerable-2026.1.24",
        ServerVersion = "2026.1.24",
    };

    /// <summary>A current release, hardened as its documentation recommends.</summary>
    public static FakeGatewayProfile HardenedCurrent { get; } = new()
    {
        Name = "hardened-current",
        AntiFraming = true,
        HealthEndpoints = true,
        SendChallenge = true,
        RequireAuth = true,
        CheckOrigin = true,
        HttpAuth = true,
        ServerVersion = "2026.6.1",
    };

    /// <summary>A Clawdbot-branded Control UI with auth on: the version is only "likely".</summary>
    public static FakeGatewayProfile LegacyBranding { get; } = HardenedCurrent with
    {
        Name = "clawdbot-branding",
        Title = "Clawdbot Control",
        AppTag = "clawdbot-app",
        HealthEndpoints = false,
        SendChallenge = false,
    };
}
