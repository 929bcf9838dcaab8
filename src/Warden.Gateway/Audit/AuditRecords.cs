using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Audit;
using Warden.Core.Identity;
using Warden.Gateway.Authentication;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Audit;

/// <summary>
/// Specific audit records written by endpoints (admin changes, grants, revocations). An endpoint that wrote one marks
/// the request, so <see cref="WardenAuditMiddleware"/> does not add its generic <c>admin.request</c> record too.
/// Appends are fail closed: if the trail cannot be written the change is refused (503) and nothing is changed.
/// </summary>
internal static class AuditRecords
{
    /// <summary>Record type of a change made through the admin API.</summary>
    public const string AdminChange = "admin.change";

    /// <summary>Record type of a task token grant (RFC 8693 exchange), issued or refused.</summary>
    public const string Grant = "identity.grant";

    /// <summary>Record type of a revocation.</summary>
    public const string Revocation = "identity.revocation";

    /// <summary>Record type of a policy denial on the proxy.</summary>
    public const string PolicyDecision = "policy.decision";

    /// <summary>Record type written once the trail is back, for a request that proceeded while it was down (<c>audit_failure: open</c>).</summary>
    public const string FailOpen = "audit.fail_open";

    private const string AuditedKey = "warden.audited";

    /// <summary>True when the endpoint already wrote its own record.</summary>
    public static bool IsAudited(HttpContext context) => context.Items.ContainsKey(AuditedKey);

    /// <summary>Appends an <c>admin.change</c> record for the admin acting on this request.</summary>
    public static Task AdminChangeAsync(HttpContext context, string target, string operation, string id, IReadOnlyDictionary<string, string>? extra = null) =>
        AppendAsync(context, AdminChangeEvent(context.GetWardenPrincipal()?.Id, target, operation, id, extra));

    /// <summary>The <c>admin.change</c> record of <paramref name="principalId"/> (admin API and CLI alike).</summary>
    public static AuditEvent AdminChangeEvent(string? principalId, string target, string operation, string id, IReadOnlyDictionary<string, string>? extra)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["target"] = target,
            ["operation"] = operation,
            ["id"] = id,
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            attributes[k] = v;
        }

        return new AuditEvent
        {
            Type = AdminChange,
            PrincipalId = principalId,
            Action = target + "." + operation,
            Decision = "allow",
            Attributes = attributes,
        };
    }

    /// <summary>Appends <paramref name="auditEvent"/> and marks the request as audited; 503 when the trail is down (fail closed).</summary>
    public static async Task AppendAsync(HttpContext context, AuditEvent auditEvent)
    {
        var trail = context.RequestServices.GetRequiredService<IAuditTrail>();
        try
        {
            await trail.AppendAsync(auditEvent, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new WardenHttpException(StatusCodes.Status503ServiceUnavailable, "audit_unavailable", "the audit trail is unavailable; nothing was changed (fail closed)");
        }

        context.Items[AuditedKey] = true;
    }

    /// <summary>The agent id of a principal, when it is an agent.</summary>
    public static string? AgentOf(WardenPrincipal? principal) => principal?.Kind == PrincipalKind.Agent ? principal.Id : null;
}
