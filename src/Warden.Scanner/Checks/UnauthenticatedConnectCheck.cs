using Warden.Scanner.Findings;
using Warden.Scanner.Probing;

namespace Warden.Scanner.Checks;

/// <summary>
/// Critical when the gateway answered a <c>connect</c> with no token, password or device identity
/// with <c>hello-ok</c> (gateway.auth.mode "none", or a bypass). The probe disconnected at once and
/// called nothing.
/// </summary>
internal sealed class UnauthenticatedConnectCheck : IOpenClawCheck
{
    public string Id => "OC-WS-NOAUTH";

    public Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        if (context.Fingerprint.Handshake is { Outcome: ConnectOutcome.Accepted } hs)
        {
            context.Report(new Finding(
                Id,
                Severity.Critical,
                "Gateway WebSocket accepts a connect without credentials",
                context.Target,
                "A connect request with no auth, no device identity and no scopes was answered with hello-ok. Anyone who can reach this port controls the agent (operator role). The scanner disconnected immediately and called no method.",
                [hs.EvidenceId],
                "Set gateway.auth.mode to token or password (never \"none\" outside a private ingress), bind the gateway to loopback, rotate any exposed credentials, and upgrade to the latest release.",
                [References.Protocol, References.ProtocolSource]));
        }

        return Task.CompletedTask;
    }
}
