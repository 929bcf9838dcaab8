namespace Warden.Core.Audit;

/// <summary>
/// The tamper-evident audit trail. <see cref="AppendAsync"/> completes only when the event is
/// durable (acknowledged); if it throws, the caller must fail the request closed.
/// </summary>
public interface IAuditTrail
{
    /// <summary>Appends an event and waits until it is durable. Returns its sequence number.</summary>
    ValueTask<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken);
}
