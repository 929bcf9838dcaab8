using Microsoft.Extensions.Logging;
using Warden.Core.Audit;
using Warden.Core.Identity;
using Warden.Core.Policy;
using Warden.Gateway.Audit;
using Warden.Gateway.Errors;
using Warden.Gateway.Providers;

namespace Warden.Gateway.Proxy;

/// <summary>
/// Policy outcomes in the audit trail (a <c>policy.decision</c> record for each denial, with rule and reason) and
/// content capture: only when the allowing rule says <c>capture_content: true</c> or <c>Warden:Audit:Capture</c> lists
/// the agent or task is the prompt/response text stored, encrypted, apart from the chain (the chain holds its HMAC).
/// </summary>
internal sealed partial class ProxyHandler
{
    private async Task AuditDenialAsync(WardenPrincipal principal, string action, RouteTarget target, PolicyDecision denial)
    {
        try
        {
            await _audit.AppendAsync(new AuditEvent
            {
                Type = AuditRecords.PolicyDecision,
                PrincipalId = principal.Id,
                AgentId = principal.Kind == PrincipalKind.Agent ? principal.Id : null,
                OnBehalfOf = principal.OnBehalfOf,
                TaskId = principal.TaskId,
                Action = action,
                Provider = target.Provider.Name,
                Model = target.Model,
                Decision = denial.Effect == PolicyEffect.RequireApproval ? "require_approval" : "deny",
                RuleId = denial.RuleId,
                Status = 403,
                Attributes = new Dictionary<string, string>(StringComparer.Ordinal) { ["reason"] = denial.Reason.Length > 512 ? denial.Reason[..512] : denial.Reason },
            }, CancellationToken.None);
        }
#pragma warning disable CA1031 // the request is refused anyway; the failure is logged
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogAuditError(_logger, ex.GetType().Name);
        }
    }

    /// <summary>The content's HMAC, stored encrypted (capture is on). A failure refuses the request (fail closed).</summary>
    private async Task<string?> CaptureAsync(string content, CancellationToken ct)
    {
        if (_protector is null)
        {
            throw new WardenHttpException(503, "capture_unavailable", "the policy asks for content capture but no content store is configured; the request was refused");
        }

        try
        {
            return await _protector.ProtectAsync(content, capture: true, _capture?.Retention ?? TimeSpan.FromDays(7), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // capture was asked for: failing to store it refuses the request (fail closed)
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogAuditError(_logger, ex.GetType().Name);
            throw new WardenHttpException(503, "capture_failed", "content capture failed; the request was refused (fail closed)");
        }
    }

    /// <summary>Captures a streamed or buffered answer after it was sent (failures are logged: the answer is out).</summary>
    private async Task CaptureResponseAsync(RequestState s, string text)
    {
        try
        {
            s.ResponseHmac = await CaptureAsync(text, CancellationToken.None);
        }
        catch (WardenHttpException)
        {
            // already logged
        }
    }
}
