using Warden.Scanner.Probing;

namespace Warden.Scanner.Checks;

/// <summary>
/// Recognises an OpenClaw gateway from public markers: the Control UI page (<c>&lt;title&gt;OpenClaw Control&lt;/title&gt;</c>
/// and the <c>&lt;openclaw-app&gt;</c> element in <c>ui/index.html</c>; the legacy Clawdbot/Moltbot names), the
/// <c>/healthz</c> and <c>/readyz</c> probes, and the WebSocket gateway's first frame (<c>connect.challenge</c>)
/// or its <c>{type: "res"}</c> frame shape (docs/gateway/protocol.md).
/// </summary>
internal static class Fingerprinter
{
    private static readonly (string Marker, string Brand)[] TitleBrands =
    [
        ("openclaw", "OpenClaw"),
        ("clawdbot", "Clawdbot"),
        ("moltbot", "Moltbot"),
    ];

    public static async Task<Fingerprint> RunAsync(ProbeSession session, Targets.ScanEndpoint endpoint, CancellationToken cancellationToken)
    {
        var baseUri = endpoint.PageUri;
        var root = endpoint.GatewayRoot;
        var page = await session.GetAsync(baseUri, cancellationToken);
        if (!page.Answered)
        {
            return new Fingerprint { BaseUri = baseUri, GatewayRoot = root, Page = page };
        }

        var (markers, brand) = UiMarkers(page.Body);
        var healthz = await session.GetAsync(new Uri(root, "healthz"), cancellationToken);
        var readyz = await session.GetAsync(new Uri(root, "readyz"), cancellationToken);
        var handshake = await session.WebSocketHandshakeAsync(root, origin: null, cancellationToken);

        var evidence = new List<string>();
        if (markers.Count > 0)
        {
            evidence.Add(page.EvidenceId);
        }

        if (handshake.ChallengeSeen || handshake.OpenClawFrames)
        {
            evidence.Add(handshake.EvidenceId);
        }

        return new Fingerprint
        {
            BaseUri = baseUri,
            GatewayRoot = root,
            Page = page,
            Healthz = healthz,
            Readyz = readyz,
            Handshake = handshake,
            UiMarkers = markers,
            Brand = brand ?? (handshake.ChallengeSeen || handshake.OpenClawFrames ? "OpenClaw" : null),
            EvidenceIds = evidence,
        };
    }

    /// <summary>Control UI markers and brand in an HTML page.</summary>
    public static (IReadOnlyList<string> Markers, string? Brand) UiMarkers(string html)
    {
        var markers = new List<string>();
        string? brand = null;
        var title = Excerpts.Between(html, "<title>", "</title>");
        if (title is not null && title.Contains("Control", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var (marker, name) in TitleBrands)
            {
                if (title.Contains(marker, StringComparison.OrdinalIgnoreCase))
                {
                    markers.Add($"title \"{title.Trim()}\"");
                    brand = name;
                    break;
                }
            }
        }

        foreach (var (marker, name) in TitleBrands)
        {
            if (html.Contains($"<{marker}-app", StringComparison.OrdinalIgnoreCase))
            {
                markers.Add($"<{marker}-app> element");
                brand ??= name;
            }
        }

        return (markers, brand);
    }
}
