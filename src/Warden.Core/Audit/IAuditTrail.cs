namespace Warden.Core.Audit;

/// <summary>
/// The tamper-evident audit trail. <see cref="AppendAsync"/> completes only when the event is
/// durable (acknowledged); if it throws, the caller must fail the request closed.
/// </summary>
public interface IAuditTrail
{
    /// <summary>Appends an event and waits until it is durable. Returns its sequence number.</summary>
    ValueTask<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Queues an event WITHOUT waiting until it is durable, for a record that must not hold up an outcome already
    /// decided (the gateway's <c>gateway.response</c>: the <c>gateway.request</c> record was durable before anything
    /// was forwarded). It is chained in queue order with every later append. Completes as soon as the event is
    /// queued (it waits only while the trail's queue is full: back-pressure, bounded memory). If the event
    /// cannot be written, <paramref name="onFailure"/> runs once with the event and the error (on the trail's
    /// writer: it must be quick and must not block).
    /// </summary>
    ValueTask EnqueueAsync(AuditEvent auditEvent, Action<AuditEvent, Exception> onFailure, CancellationToken cancellationToken) =>
        AuditTrailDefaults.EnqueueViaAppendAsync(this, auditEvent, onFailure);
}
