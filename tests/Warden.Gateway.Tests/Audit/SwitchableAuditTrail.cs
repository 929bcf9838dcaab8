using System.Collections.Concurrent;
using Warden.Core.Audit;

namespace Warden.Gateway.Tests.Audit;

/// <summary>An audit trail a test can take down: while <see cref="Down"/> every append throws, as a failed store does.</summary>
internal sealed class SwitchableAuditTrail : IAuditTrail
{
    private long _sequence;

    public volatile bool Down;

    public ConcurrentQueue<AuditEvent> Events { get; } = new();

    public ValueTask<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        if (Down)
        {
            throw new AuditUnavailableException("the test took the trail down");
        }

        Events.Enqueue(auditEvent);
        return ValueTask.FromResult(Interlocked.Increment(ref _sequence));
    }
}
