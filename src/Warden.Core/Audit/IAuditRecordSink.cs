namespace Warden.Core.Audit;

/// <summary>
/// Receives records after they are durable (e.g. to export them as OpenTelemetry logs). A sink
/// failure is swallowed: export never blocks or fails the trail.
/// </summary>
public interface IAuditRecordSink
{
    void OnCommitted(IReadOnlyList<AuditRecordToStore> records);
}
