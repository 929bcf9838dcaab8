namespace Warden.Scanner.Probing;

/// <summary>How the gateway answered an unauthenticated <c>connect</c> request.</summary>
internal enum ConnectOutcome
{
    /// <summary>The WebSocket upgrade itself was refused (HTTP status recorded).</summary>
    UpgradeRefused,

    /// <summary>No answer before the probe timeout.</summary>
    NoAnswer,

    /// <summary>The server closed the socket without answering.</summary>
    Closed,

    /// <summary>An error response (<c>ok: false</c>).</summary>
    Rejected,

    /// <summary><c>hello-ok</c>: the handshake was accepted without credentials.</summary>
    Accepted,

    /// <summary>Something that is not the OpenClaw frame shape.</summary>
    Unrecognised,
}
