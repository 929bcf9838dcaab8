using System.Diagnostics.Metrics;

namespace Warden.Gateway.Screening;

/// <summary>Screening counters (no content, only outcomes).</summary>
internal sealed class ScreeningMetrics
{
    private readonly Counter<long> _screened;
    private readonly Counter<long> _findings;

    public ScreeningMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create("Warden.Screening");
        _screened = meter.CreateCounter<long>("warden.screening.requests", description: "Content screened, by decision");
        _findings = meter.CreateCounter<long>("warden.screening.findings", description: "Hiding places found and neutralised");
    }

    public void Record(bool detected, int findings)
    {
        _screened.Add(1, new KeyValuePair<string, object?>("detected", detected));
        if (findings > 0)
        {
            _findings.Add(findings);
        }
    }
}
