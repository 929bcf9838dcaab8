using Microsoft.Extensions.Logging;
using Warden.Core.Audit;
using Warden.Gateway.Errors;
using Warden.Gateway.Providers;

namespace Warden.Gateway.Proxy;

/// <summary>
/// The <c>gateway.response</c> record is queued into the trail without holding the answer: the <c>gateway.request</c>
/// record was durable before anything was forwarded (fail closed, and what makes every answered request present after
/// a crash), so waiting for a second group commit would only add latency. If the trail then fails to write the
/// response record, it is logged, counted and kept in the <see cref="Audit.AuditFailOpenJournal"/>, and the next
/// request is not forwarded until it is written (fail closed). See docs/audit.md.
/// </summary>
internal sealed partial class ProxyHandler
{
    private Action<AuditEvent, Exception>? _onResponseRecordFailed;
    private Action<AuditEvent, Exception>? _onResponseRecordFailedOpen;

    private ValueTask AuditResponseAsync(RequestState s, RouteTarget target, int status)
    {
        var failOpen = s.Decision?.AuditFailOpen == true;
        var onFailure = failOpen
            ? _onResponseRecordFailedOpen ??= (e, ex) => ResponseRecordFailed(e, ex, failOpen: true)
            : _onResponseRecordFailed ??= (e, ex) => ResponseRecordFailed(e, ex, failOpen: false);
        try
        {
            return _audit.EnqueueAsync(CompletionEvent(s, target, status), onFailure, CancellationToken.None);
        }
#pragma warning disable CA1031 // a trail that throws while queuing is handled like a failed write
        catch (Exception ex)
#pragma warning restore CA1031
        {
            onFailure(CompletionEvent(s, target, status), ex);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// A request that was handed to a provider (scrubbed if required) and did not end in an answer still gets its <c>gateway.response</c> record (status,
    /// provider, and the finding counts of what was redacted before it left), queued as on success; the audit middleware
    /// adds its <c>gateway.rejected</c> record with Warden's error code. A request no target was tried for has none.
    /// </summary>
    private async Task FailedAfterForwardAsync(RequestState s, RouteTarget target, int status, bool forwarded)
    {
        if (forwarded)
        {
            await AuditResponseAsync(s, target, status);
        }

        Complete(s, target.Provider.Name, status);
    }

    private void ResponseRecordFailed(AuditEvent record, Exception failure, bool failOpen)
    {
        LogAuditError(_logger, failure.GetType().Name);
        if (_failOpen is null)
        {
            return;
        }

        if (failOpen)
        {
            _failOpen.Record(record); // the policy chose to fail open: audited once the trail is back
        }
        else
        {
            _failOpen.RecordLost(record, failure);
        }
    }

    /// <summary>
    /// Before a request is forwarded: an earlier answer's response record the trail failed to write is retried first;
    /// if it still cannot be written the request is refused (fail closed), unless its policy fails open.
    /// </summary>
    private async ValueTask EnsureNoLostResponseRecordsAsync(bool failOpen, CancellationToken ct)
    {
        if (_failOpen is not { HasLostRecords: true } journal || failOpen)
        {
            return;
        }

        await journal.FlushAsync(ct);
        if (journal.HasLostRecords)
        {
            throw new WardenHttpException(503, "audit_unavailable", "the audit trail could not write an earlier answer's record; the request was refused (fail closed)");
        }
    }
}
