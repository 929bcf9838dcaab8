using Warden.Scanner.Findings;

namespace Warden.Scanner.Output;

/// <summary>A readable terminal table: one block per host, one row per finding, and a summary.</summary>
internal static class TableWriter
{
    public static async Task WriteAsync(TextWriter output, ScanReport report)
    {
        var detected = report.Hosts.Count(h => h.Detected);
        foreach (var host in report.Hosts.Where(h => h.Detected || h.Errors.Count > 0 && report.Hosts.Count == 1))
        {
            await output.WriteLineAsync();
            if (!host.Detected)
            {
                await output.WriteLineAsync($"{host.Input}: no OpenClaw gateway found ({string.Join("; ", host.Errors)})");
                continue;
            }

            var version = host.Version is null ? "version not exposed" : $"version {host.Version} ({host.VersionSource})";
            await output.WriteLineAsync($"{host.Endpoint}  {host.Brand ?? "OpenClaw"}, {version}");
            var rows = host.Findings.Select(f => (Sev: SeverityNames.Name(f.Severity).ToUpperInvariant(), f.Id, f.Title + (f.Confidence == "likely" ? " [likely]" : string.Empty), Ev: string.Join(",", f.EvidenceIds))).ToList();
            var sevWidth = Math.Max(8, rows.Select(r => r.Sev.Length).DefaultIfEmpty(0).Max());
            var idWidth = Math.Max(2, rows.Select(r => r.Id.Length).DefaultIfEmpty(0).Max());
            await output.WriteLineAsync($"  {"SEVERITY".PadRight(sevWidth)}  {"ID".PadRight(idWidth)}  TITLE (evidence)");
            foreach (var r in rows)
            {
                await output.WriteLineAsync($"  {r.Sev.PadRight(sevWidth)}  {r.Id.PadRight(idWidth)}  {r.Item3} ({r.Ev})");
            }
        }

        if (detected == 0 && report.Hosts.Count > 1)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync($"No OpenClaw gateway found on {report.Hosts.Count} targets.");
        }

        await output.WriteLineAsync();
        var highest = report.Highest is { } h ? SeverityNames.Name(h) : "none";
        var deadline = report.DeadlineReached ? " (deadline reached: scan incomplete)" : string.Empty;
        await output.WriteLineAsync($"{report.Hosts.Count} target(s) scanned, {detected} OpenClaw gateway(s), {report.AllFindings.Count(f => f.Severity > Severity.Info)} finding(s), highest severity: {highest}{deadline}");
    }
}
