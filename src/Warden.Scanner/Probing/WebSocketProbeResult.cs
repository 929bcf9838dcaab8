namespace Warden.Scanner.Probing;

/// <summary>
/// The outcome of one WebSocket handshake probe: upgrade, the gateway's first frame, one
/// credential-less <c>connect</c>, and the answer to it. Nothing else is ever sent.
/// </summary>
internal sealed record WebSocketProbeResult
{
    public required string EvidenceId { get; init; }

    public string? Origin { get; init; }

    /// <summary>HTTP status of the upgrade (101 when it succeeded).</summary>
    public int? UpgradeStatus { get; init; }

    /// <summary>True when the first frame was a <c>connect.challenge</c> event.</summary>
    public bool ChallengeSeen { get; init; }

    /// <summary><c>type</c>/<c>event</c> of the first unsolicited frame, if any.</summary>
    public string? FirstFrame { get; init; }

    public ConnectOutcome Outcome { get; init; }

    /// <summary><c>error.code</c> of a rejection.</summary>
    public string? ErrorCode { get; init; }

    /// <summary><c>error.message</c> of a rejection (bounded).</summary>
    public string? ErrorMessage { get; init; }

    /// <summary><c>hello-ok.server.version</c> when accepted.</summary>
    public string? ServerVersion { get; init; }

    /// <summary>Close status/description when the server closed.</summary>
    public string? Close { get; init; }

    /// <summary>True when any frame had the OpenClaw gateway frame shape (<c>type</c> req/res/event).</summary>
    public bool OpenClawFrames { get; init; }

    /// <summary>True when the rejection or close names the Origin.</summary>
    public bool OriginRejected =>
        Contains(ErrorMessage, "origin") || Contains(ErrorCode, "origin") || Contains(Close, "origin");

    private static bool Contains(string? text, string word) => text?.Contains(word, StringComparison.OrdinalIgnoreCase) ?? false;
}
