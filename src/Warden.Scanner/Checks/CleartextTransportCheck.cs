using Warden.Scanner.Findings;

namespace Warden.Scanner.Checks;

/// <summary>
/// High when the gateway is reached over <c>http://</c>/<c>ws://</c> on an address that is not
/// loopback: tokens, passwords and chat content cross the network in clear text
/// (CVE-2026-32034 covers Control UI auth over plaintext HTTP).
/// </summary>
internal sealed class CleartextTransportCheck : IOpenClawCheck
{
    public string Id => "OC-TLS-CLEARTEXT";

    public Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        if (Applies(context.Fingerprint.GatewayRoot, context.IsLoopback))
        {
            context.Report(new Finding(
                Id,
                Severity.High,
                "Gateway served over cleartext HTTP/WebSocket on a non-loopback address",
                context.Target,
                "The gateway answered over http:// (and ws://) on an address that is not loopback; gateway tokens, passwords and conversations can be read or altered on the network.",
                context.Fingerprint.EvidenceIds.Count > 0 ? context.Fingerprint.EvidenceIds : [context.Fingerprint.Page.EvidenceId],
                "Bind the gateway to loopback and reach it through TLS (Tailscale Serve, or a TLS reverse proxy with gateway.trustedProxies), or enable TLS on the gateway.",
                [References.Cve32034, References.ControlUi]));
        }

        return Task.CompletedTask;
    }

    /// <summary>True for a cleartext scheme on a non-loopback address.</summary>
    internal static bool Applies(Uri endpoint, bool loopback) => endpoint.Scheme is "http" or "ws" && !loopback;
}
