using Microsoft.Extensions.Logging;
using Warden.Core.Audit;

namespace Warden.Gateway.Audit;

/// <summary>
/// NOT AN AUDIT TRAIL: records nothing. Only used when <c>Warden:Audit:UnsafeDisableForBenchmark=true</c>,
/// to measure the gateway with the trail off against the trail on in one benchmark run. Never the default;
/// announced with a critical log line when created.
/// </summary>
internal sealed partial class BenchmarkDisabledAuditTrail : IAuditTrail
{
    private long _sequence;

    public BenchmarkDisabledAuditTrail(ILogger<BenchmarkDisabledAuditTrail> logger) => LogDisabled(logger);

    public ValueTask<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Interlocked.Increment(ref _sequence));

    [LoggerMessage(EventId = 5040, Level = LogLevel.Critical, Message = "THE AUDIT TRAIL IS DISABLED (Warden:Audit:UnsafeDisableForBenchmark=true): nothing is recorded. For benchmarks only; never run this in production")]
    private static partial void LogDisabled(ILogger logger);
}
