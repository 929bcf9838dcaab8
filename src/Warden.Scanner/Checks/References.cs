namespace Warden.Scanner.Checks;

/// <summary>Public documentation the checks rest on (see docs/scanner.md).</summary>
internal static class References
{
    public const string Protocol = "https://docs.openclaw.ai/gateway/protocol";
    public const string ProtocolSource = "https://github.com/openclaw/openclaw/blob/main/docs/gateway/protocol.md";
    public const string ControlUi = "https://docs.openclaw.ai/web/control-ui";
    public const string ControlUiCsp = "https://github.com/openclaw/openclaw/blob/main/src/gateway/control-ui-csp.ts";
    public const string OpenAiHttp = "https://docs.openclaw.ai/gateway/openai-http-api";
    public const string Webhooks = "https://docs.openclaw.ai/automation/webhook";
    public const string ToolsInvoke = "https://github.com/advisories/GHSA-943q-mwmv-hhvh";
    public const string Architecture = "https://docs.openclaw.ai/concepts/architecture";
    public const string Cve25253 = "https://nvd.nist.gov/vuln/detail/CVE-2026-25253";
    public const string Cve32034 = "https://raw.githubusercontent.com/CVEProject/cvelistV5/main/cves/2026/32xxx/CVE-2026-32034.json";
}
