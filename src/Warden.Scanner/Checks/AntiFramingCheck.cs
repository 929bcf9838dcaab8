using Warden.Scanner.Findings;

namespace Warden.Scanner.Checks;

/// <summary>
/// Medium when the Control UI page is served without anti-framing protection: neither
/// <c>X-Frame-Options: DENY|SAMEORIGIN</c> nor a CSP <c>frame-ancestors</c> directive. Current
/// releases send <c>frame-ancestors 'none'</c> (src/gateway/control-ui-csp.ts).
/// </summary>
internal sealed class AntiFramingCheck : IOpenClawCheck
{
    public string Id => "OC-HDR-FRAMING";

    public Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var page = context.Fingerprint.Page;
        if (!context.Fingerprint.ControlUiServed || IsProtected(page.Header("X-Frame-Options"), page.Header("Content-Security-Policy")))
        {
            return Task.CompletedTask;
        }

        context.Report(new Finding(
            Id,
            Severity.Medium,
            "Control UI can be framed by other sites (clickjacking)",
            context.Fingerprint.BaseUri.ToString(),
            "The Control UI page has neither an X-Frame-Options (DENY/SAMEORIGIN) header nor a Content-Security-Policy frame-ancestors directive.",
            [page.EvidenceId],
            "Upgrade to a release that sends Content-Security-Policy frame-ancestors 'none', or add X-Frame-Options: DENY at the reverse proxy.",
            [References.ControlUiCsp]));
        return Task.CompletedTask;
    }

    /// <summary>True when the headers forbid framing by other origins.</summary>
    internal static bool IsProtected(string? xFrameOptions, string? csp)
    {
        if (xFrameOptions is not null)
        {
            var v = xFrameOptions.Trim();
            if (v.Equals("DENY", StringComparison.OrdinalIgnoreCase) || v.Equals("SAMEORIGIN", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        if (csp is null)
        {
            return false;
        }

        foreach (var directive in csp.Split(';'))
        {
            var d = directive.Trim();
            if (d.StartsWith("frame-ancestors", StringComparison.OrdinalIgnoreCase))
            {
                var sources = d["frame-ancestors".Length..].Trim();
                return sources.Length > 0 && !sources.Contains('*', StringComparison.Ordinal);
            }
        }

        return false;
    }
}
