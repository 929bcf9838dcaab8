using Warden.Scanner.Findings;
using Warden.Scanner.Probing;

namespace Warden.Scanner.Checks;

/// <summary>
/// Opens the gateway WebSocket with a foreign <c>Origin</c> (a page on another site, as in
/// CVE-2026-25253). A hardened gateway refuses the upgrade or answers the connect with an origin
/// error (<c>gateway.controlUi.allowedOrigins</c>). Accepting the handshake is high (the missing
/// credentials are reported separately as critical); an upgrade that is neither refused nor answered with an origin
/// error means no Origin check could be observed (low).
/// </summary>
internal sealed class ForeignOriginCheck : IOpenClawCheck
{
    /// <summary>A reserved, never-resolvable origin (RFC 2606 <c>.invalid</c>).</summary>
    public const string ForeignOrigin = "https://warden-scan-origin-probe.invalid";

    public string Id => "OC-WS-ORIGIN";

    public async Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var probe = await context.Session.WebSocketHandshakeAsync(context.Fingerprint.GatewayRoot, ForeignOrigin, cancellationToken);
        if (probe.Outcome == ConnectOutcome.UpgradeRefused || probe.OriginRejected)
        {
            return; // Origin enforced.
        }

        if (probe.Outcome == ConnectOutcome.Accepted)
        {
            context.Report(new Finding(
                Id,
                Severity.High,
                "Gateway WebSocket accepts a handshake from a foreign Origin",
                context.Target,
                $"A connect sent with Origin {ForeignOrigin} and no credentials was answered with hello-ok: any web page a user opens can drive this gateway (cross-site WebSocket hijacking).",
                [probe.EvidenceId],
                "Set gateway.controlUi.allowedOrigins to the exact Control UI origins, require auth (token/password), and upgrade to the latest release.",
                [References.Cve25253, References.ControlUi]));
            return;
        }

        if (probe.UpgradeStatus == 101)
        {
            context.Report(new Finding(
                Id,
                Severity.Low,
                "No Origin check observed on the gateway WebSocket",
                context.Target,
                $"The upgrade with Origin {ForeignOrigin} succeeded and the connect answer did not mention the origin ({probe.Outcome}). Credentials were still required, but browser-originated connections are not visibly restricted.",
                [probe.EvidenceId],
                "Set gateway.controlUi.allowedOrigins to the exact Control UI origins (scheme, host and port).",
                [References.ControlUi, References.Cve25253]));
        }
    }
}
