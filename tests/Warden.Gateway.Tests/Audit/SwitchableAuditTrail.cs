using System.Collections.Concurrent;
using Warden.Core.Audit;

namespace Warden.Gateway.Tests.Audit;

/// <summary>
/// An audit trail a test can take down: while <see cref="Down"/> every append throws, as a failed store does; while
/// <see cref="FailResponses"/> only <c>gateway.response</c> appends and their late copies (<c>audit.fail_open</c>) do.
/// </summary>
internal sealed class SwitchableAuditTrail : IAuditTrail
{
    private long _sequence;

    public volatile bool Down;

    public volatile bool FailResponses;

    public ConcurrentQueue<AuditEvent> Events { get; } = new();

    public ValueTask<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        if (Down || (FailResponses && auditEvent.Type is "gateway.response" or "audit.fail_open"))
        {
            throw new AuditUnavailableException("the test took the trail down");
        }

        Events.Enqueue(auditEvent);
        return ValueTask.FromResult(Interlocked.Increment(ref _sequence));
    }
}
