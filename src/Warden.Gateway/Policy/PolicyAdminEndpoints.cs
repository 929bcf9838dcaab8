using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.Core.Identity;
using Warden.Core.Policy;
using Warden.Gateway.Errors;
using Warden.Gateway.Identity;

namespace Warden.Gateway.Policy;

/// <summary>Admin API for the policy: what is in force, reload, explain a request.</summary>
internal static class PolicyAdminEndpoints
{
    public static RouteGroupBuilder MapWardenPolicyAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/policy", Show).WithTags("policy");
        admin.MapPost("/policy/reload", ReloadAsync).WithTags("policy");
        admin.MapPost("/policy/explain", ExplainAsync).Accepts<ExplainRequest>("application/json").WithTags("policy");
        return admin;
    }

    private static IResult Show(PolicyDecisionPoint pdp, WardenIdentitySettings settings, PolicyReloadService runtime)
    {
        var policy = pdp.Current;
        var last = runtime.Source.LastResult;
        return Results.Json(
            new PolicyView(policy.Version, settings.PolicyPath, policy.Rules.Select(r => new PolicyRuleView(r.Id, EffectName(r.Effect), r.Description, r.Actions, r.Condition, r.Source)).ToList(), last?.Errors ?? []),
            IdentityApiJsonContext.Default.PolicyView);
    }

    private static async Task<IResult> ReloadAsync(PolicyReloadService runtime, CancellationToken ct)
    {
        if (!runtime.HasRules)
        {
            throw new WardenHttpException(StatusCodes.Status409Conflict, "no_policy", "no policy file is configured (Warden:Policy:Path) and no rule is stored");
        }

        var result = await runtime.ReloadFromStoreAsync(ct);
        return result.Applied
            ? Results.NoContent()
            : throw new WardenHttpException(StatusCodes.Status422UnprocessableEntity, "invalid_policy", "rejected, the last good policy stays in force: " + string.Join("; ", result.Errors));
    }

    private static async Task<IResult> ExplainAsync(HttpContext context, IPolicyDecisionPoint pdp)
    {
        // snake_case as documented (principal_kind, agent_type, …): read with the source-generated context
        var body = await System.Text.Json.JsonSerializer.DeserializeAsync(context.Request.Body, IdentityApiJsonContext.Default.ExplainRequest, context.RequestAborted)
            ?? throw new WardenHttpException(StatusCodes.Status400BadRequest, "invalid_request", "a JSON request is required");
        if (string.IsNullOrEmpty(body.Action))
        {
            throw new WardenHttpException(StatusCodes.Status400BadRequest, "invalid_request", "action is required");
        }

        var kind = body.PrincipalKind switch
        {
            null or "agent" => PrincipalKind.Agent,
            "user" => PrincipalKind.User,
            "admin" => PrincipalKind.Admin,
            _ => throw new WardenHttpException(StatusCodes.Status400BadRequest, "invalid_request", "principal_kind must be agent, user or admin"),
        };
        var principal = new WardenPrincipal(body.PrincipalId ?? "explain", kind, body.PrincipalId ?? "explain", body.TaskId is null ? "agent_key" : "task_token",
            body.AgentType, body.OnBehalfOf, body.TaskId, null, body.Scopes);
        var request = new PolicyRequest(principal, body.Action, body.Provider, body.Model, body.Tool, body.Data, body.Attributes, body.Time);
        var e = pdp is WardenPolicyDecisionPoint w ? w.Explain(request) : new PolicyExplanation(pdp.Decide(request), []);
        return Results.Json(
            new ExplainResponse(EffectName(e.Decision.Effect), e.Decision.RuleId, e.Decision.Reason, e.Decision.Redactions,
                e.Rules.Select(r => new RuleTraceView(r.RuleId, EffectName(r.Effect), r.Outcome, r.Detail)).ToList()),
            IdentityApiJsonContext.Default.ExplainResponse);
    }

    internal static string EffectName(PolicyEffect effect) => effect switch
    {
        PolicyEffect.Allow => "allow",
        PolicyEffect.RequireApproval => "require-approval",
        PolicyEffect.Redact => "redact",
        _ => "deny",
    };
}
