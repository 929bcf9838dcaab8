using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Warden.Gateway.Observability;

/// <summary>
/// Gateway metrics (meter <c>Warden.Gateway</c>), exported on <c>/metrics</c> by the OpenTelemetry
/// Prometheus exporter. Labels are provider, agent name and outcome; never prompt or key text.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "Warden.Gateway";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _upstreamAttempts;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("warden.gateway.requests", "{request}", "LLM requests handled, by provider, agent, endpoint and status.");
        _duration = meter.CreateHistogram<double>("warden.gateway.request.duration", "s", "LLM request latency, by provider and agent.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
        _tokens = meter.CreateCounter<long>("warden.gateway.tokens", "{token}", "Tokens by provider, agent and direction (input/output).");
        _upstreamAttempts = meter.CreateCounter<long>("warden.gateway.upstream.attempts", "{attempt}", "Upstream attempts by provider and outcome.");
    }

    public void Request(string provider, string agent, string endpoint, int status, double seconds)
    {
        var tags = new TagList { { "provider", provider }, { "agent", agent }, { "endpoint", endpoint }, { "status", status } };
        _requests.Add(1, tags);
        _duration.Record(seconds, new TagList { { "provider", provider }, { "agent", agent } });
    }

    public void Tokens(string provider, string agent, int input, int output)
    {
        if (input > 0)
        {
            _tokens.Add(input, new TagList { { "provider", provider }, { "agent", agent }, { "direction", "input" } });
        }

        if (output > 0)
        {
            _tokens.Add(output, new TagList { { "provider", provider }, { "agent", agent }, { "direction", "output" } });
        }
    }

    public void Attempt(string provider, string outcome) =>
        _upstreamAttempts.Add(1, new TagList { { "provider", provider }, { "outcome", outcome } });
}
