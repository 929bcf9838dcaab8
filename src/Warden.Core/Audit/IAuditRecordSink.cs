namespace Warden.Core.Audit;

/// <summary>
/// Receives records after they are durable (e.g. to export them as OpenTelemetry logs). A sink
/// failure is swallowed: export never blocks or fails the trail.
/// </summary>
public interface IAuditRecordSink
{
    /// <summary>
    /// Whether the sink wants records now (e.g. its log level is enabled). Asked after every commit: while no sink wants
    /// them, committed records are not queued for export and the writer thread is not woken to hand them over.
    /// </summary>
    bool IsEnabled => true;

    void OnCommitted(IReadOnlyList<AuditRecordToStore> records);
}
