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
    /// <summary>Request header in which a caller declares the data classifications of its request (comma-separated tags).</summary>
    public const string DataClassificationHeader = "Warden-Data-Classification";

    private const int MaxDataTags = 16;

    /// <summary>The tag of a request carrying images, audio or files as base64: content neither classification nor scrubbing reads.</summary>
    public const string MediaTag = "media";

    /// <summary>
    /// The request's data classifications, for the policy (<c>resource.data</c>) and the task-scope check (<c>data:TAG</c>):
    /// the tags the caller declares in <see cref="DataClassificationHeader"/>, plus, with
    /// <c>Warden:Policy:ClassifyWithDetection</c>, <c>pii</c> / <c>secret</c> when the detection engine finds such entities in the prompt
    /// and <see cref="MediaTag"/> when the body carries a base64 payload (<see cref="RequestScan.HasBinary"/>) detection cannot read.
    /// </summary>
    private List<string>? Classify(Microsoft.AspNetCore.Http.HttpContext context, ReadOnlyMemory<byte> body, bool hasBinary)
    {
        List<string>? tags = null;
        foreach (var value in context.Request.Headers[DataClassificationHeader])
        {
            foreach (var raw in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (raw.Length > 64 || !raw.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
                {
                    throw new WardenHttpException(400, "invalid_request", $"{DataClassificationHeader}: tags are 1-64 of a-z 0-9 - _ .");
                }

                tags ??= [];
                if (!tags.Contains(raw))
                {
                    tags.Add(raw);
                }
            }
        }

        if (tags is { Count: > MaxDataTags })
        {
            throw new WardenHttpException(400, "invalid_request", $"{DataClassificationHeader}: at most {MaxDataTags} tags");
        }

        if (_classify && hasBinary)
        {
            tags ??= [];
            if (!tags.Contains(MediaTag))
            {
                tags.Add(MediaTag);
            }
        }

        if (_detector is not null && _classify)
        {
            foreach (var f in _detector.Analyze(RateLimiting.PromptTextExtractor.Extract(body).Text))
            {
                var tag = f.Type == Core.Detection.EntityTypes.Secret ? "secret" : "pii";
                tags ??= [];
                if (!tags.Contains(tag))
                {
                    tags.Add(tag);
                }
            }
        }

        return tags;
    }

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
            // The content store may be synchronous (SQLite): on the thread pool, never on a socket thread that runs
            // request code inline (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1).
            var protector = _protector;
            var retention = _capture?.Retention ?? TimeSpan.FromDays(7);
            return await Task.Run(() => protector.ProtectAsync(content, capture: true, retention, ct), ct);
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
