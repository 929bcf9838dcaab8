namespace Warden.Scanner.Targets;

/// <summary>
/// One thing to scan: the user's input (or an address expanded from a range) and the endpoints to
/// try, in order. The first endpoint that fingerprints as OpenClaw is the one that gets checked.
/// </summary>
/// <param name="Input">What the user named, or the expanded address.</param>
/// <param name="Candidates">Endpoints to try, in order.</param>
internal sealed record ScanTarget(string Input, IReadOnlyList<ScanEndpoint> Candidates);

/// <summary>
/// One endpoint: where the Control UI page is expected and where the gateway itself (WebSocket,
/// health probes, HTTP APIs) is rooted. For a URL the user gave, both are that URL; for a bare host
/// the gateway is rooted at <c>/</c> and the UI base path varies.
/// </summary>
internal sealed record ScanEndpoint(Uri PageUri, Uri GatewayRoot)
{
    public override string ToString() => PageUri.ToString();
}
