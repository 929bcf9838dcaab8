using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Warden.Core.Audit;

/// <summary>
/// Where an append's time goes (meter <c>Warden.Audit</c>): the caller's wait from the call to the moment it runs again
/// (<c>warden.audit.append.wait</c>) and, per group commit, each step of the writer (<c>warden.audit.batch.duration</c>,
/// tag <c>phase</c>: <c>wakeup</c> = oldest awaited event queued → its batch starts (≈ 0 when the caller commits it itself), <c>chain</c>, <c>store</c> = the store's
/// transaction, <c>release</c> = completing the callers, <c>sign</c> = a checkpoint signed after the callers were
/// released, <c>deferred</c> = a transaction of deferred work only, written while no caller waited). No event content.
/// </summary>
internal sealed class AuditTrailMetrics : IDisposable
{
    public const string MeterName = "Warden.Audit";

    internal static readonly double[] Buckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
    private static readonly KeyValuePair<string, object?> Wakeup = new("phase", "wakeup");
    private static readonly KeyValuePair<string, object?> ChainTag = new("phase", "chain");
    private static readonly KeyValuePair<string, object?> StoreTag = new("phase", "store");
    private static readonly KeyValuePair<string, object?> Release = new("phase", "release");
    private static readonly KeyValuePair<string, object?> SignTag = new("phase", "sign");
    private static readonly KeyValuePair<string, object?> Deferred = new("phase", "deferred");

    private readonly Histogram<double> _wait;
    private readonly Histogram<double> _batch;
    private readonly Histogram<int> _batchSize;
    private readonly Meter? _owned;

    public AuditTrailMetrics(IMeterFactory? meterFactory)
    {
        // Without a factory (tests, the CLI, the probes) the trail owns its meter; a MeterListener still sees it.
        var meter = meterFactory?.Create(MeterName) ?? (_owned = new Meter(MeterName));
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets };
        _wait = meter.CreateHistogram("warden.audit.append.wait", "s", "Time an AppendAsync caller waits: from the call until it runs again after its batch is durable.", advice: advice);
        _batch = meter.CreateHistogram("warden.audit.batch.duration", "s", "Time per group commit step of the audit writer, by phase.", advice: advice);
        _batchSize = meter.CreateHistogram<int>("warden.audit.batch.size", "{event}", "Events per group commit.");
    }

    public bool Enabled => _wait.Enabled || _batch.Enabled;

    public void AppendWait(long queuedAt) => _wait.Record(Stopwatch.GetElapsedTime(queuedAt).TotalSeconds);

    public void Batch(int size, long queuedAt, long start, long chained, long stored, long released)
    {
        if (!_batch.Enabled)
        {
            return;
        }

        _batchSize.Record(size);
        if (queuedAt != 0)
        {
            _batch.Record(Seconds(queuedAt, start), Wakeup);
        }

        _batch.Record(Seconds(start, chained), ChainTag);
        _batch.Record(Seconds(chained, stored), StoreTag);
        _batch.Record(Seconds(stored, released), Release);
    }

    public void Sign(long start) => _batch.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, SignTag);

    public void DeferredWrite(long start) => _batch.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, Deferred);

    public void Dispose() => _owned?.Dispose();

    private static double Seconds(long from, long to) => (double)(to - from) / Stopwatch.Frequency;
}
