using System.Diagnostics.Metrics;
using Warden.Scanner.Findings;

namespace Warden.Gateway.Scanner;

/// <summary>
/// Meter <c>Warden.Scanner</c>: <c>warden.scanner.scans</c> (tag <c>outcome</c>: completed, rejected,
/// audit_failed), <c>warden.scanner.findings</c> (tag <c>severity</c>) and
/// <c>warden.scanner.scan.duration</c> (seconds). No target, host or finding text is ever a tag.
/// </summary>
internal sealed class ScannerMetrics
{
    public const string MeterName = "Warden.Scanner";

    private readonly Counter<long> _scans;
    private readonly Counter<long> _findings;
    private readonly Histogram<double> _duration;

    public ScannerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _scans = meter.CreateCounter<long>("warden.scanner.scans", unit: "{scan}", description: "OpenClaw scans requested through the API");
        _findings = meter.CreateCounter<long>("warden.scanner.findings", unit: "{finding}", description: "Findings reported by OpenClaw scans");
        _duration = meter.CreateHistogram<double>("warden.scanner.scan.duration", unit: "s", description: "Duration of OpenClaw scans");
    }

    public void Scan(string outcome) => _scans.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Completed(ScanReport report)
    {
        Scan("completed");
        _duration.Record((report.FinishedAt - report.StartedAt).TotalSeconds);
        foreach (var group in report.AllFindings.GroupBy(f => f.Severity))
        {
            _findings.Add(group.Count(), new KeyValuePair<string, object?>("severity", SeverityNames.Name(group.Key)));
        }
    }
}
