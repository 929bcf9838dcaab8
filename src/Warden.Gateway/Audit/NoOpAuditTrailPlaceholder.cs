using Warden.Core.Audit;

namespace Warden.Gateway.Audit;

/// <summary>
/// PLACEHOLDER, NOT AN AUDIT TRAIL: accepts every event and stores nothing. Registered only until
/// the audit engine registers a real <see cref="IAuditTrail"/> (it replaces this registration).
/// </summary>
internal sealed class NoOpAuditTrailPlaceholder : IAuditTrail
{
    private long _sequence;

    public ValueTask<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Interlocked.Increment(ref _sequence));
}
