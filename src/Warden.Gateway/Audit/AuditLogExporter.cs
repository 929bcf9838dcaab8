using Microsoft.Extensions.Logging;
using Warden.Core.Audit;

namespace Warden.Gateway.Audit;

/// <summary>
/// Emits each durable record as a structured log record (event id 5001), which the OpenTelemetry
/// logging pipeline exports to a SIEM. Only non-sensitive fields: never content, never the content HMAC.
/// </summary>
internal sealed partial class AuditLogExporter(ILogger<AuditLogExporter> logger) : IAuditRecordSink
{
    /// <summary>The trail hands records over only while event 5001's level is enabled (re-read after every commit).</summary>
    public bool IsEnabled => logger.IsEnabled(LogLevel.Information);

    public void OnCommitted(IReadOnlyList<AuditRecordToStore> records)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        foreach (var r in records)
        {
            var e = r.Event;
#pragma warning disable CA1873 // guarded by the IsEnabled check above
            LogRecord(logger, r.Sequence, e.Type, e.PrincipalId, e.AgentId, e.OnBehalfOf, e.TaskId, e.Action, e.Provider, e.Model,
                e.Decision, e.RuleId, e.Status, e.LatencyMs, e.PromptTokens, e.CompletionTokens, Convert.ToHexStringLower(r.Hash));
#pragma warning restore CA1873
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information,
        Message = "audit {AuditSequence} {AuditType} principal={PrincipalId} agent={AgentId} user={OnBehalfOf} task={TaskId} action={Action} provider={Provider} model={Model} decision={Decision} rule={RuleId} status={Status} latency_ms={LatencyMs} prompt_tokens={PromptTokens} completion_tokens={CompletionTokens} hash={AuditHash}")]
    private static partial void LogRecord(ILogger logger, long auditSequence, string auditType, string? principalId, string? agentId, string? onBehalfOf,
        string? taskId, string? action, string? provider, string? model, string? decision, string? ruleId, int? status, double? latencyMs,
        int? promptTokens, int? completionTokens, string auditHash);
}
