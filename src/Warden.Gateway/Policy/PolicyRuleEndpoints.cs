using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.Core.Policy;
using Warden.Gateway.Audit;
using Warden.Gateway.Errors;
using Warden.Gateway.Identity;

namespace Warden.Gateway.Policy;

/// <summary>
/// Admin API for the stored policy rules: <c>GET /admin/policy/rules</c>, <c>GET|PUT|DELETE /admin/policy/rules/{id}</c>.
/// A change is validated whole with the policy files (a bad change answers 422 naming every error and the last good
/// policy stays), audited (<c>admin.change</c>), stored (shared by every replica) and applied.
/// </summary>
internal static class PolicyRuleEndpoints
{
    public static RouteGroupBuilder MapWardenPolicyRules(this RouteGroupBuilder admin)
    {
        admin.MapGet("/policy/rules", ListAsync).WithTags("policy");
        admin.MapGet("/policy/rules/{id}", GetAsync).WithTags("policy");
        admin.MapPut("/policy/rules/{id}", PutAsync).WithTags("policy").Accepts<PutRuleRequest>("application/json");
        admin.MapDelete("/policy/rules/{id}", DeleteAsync).WithTags("policy");
        return admin;
    }

    private static async Task<IResult> ListAsync(IPolicyRuleStore store, CancellationToken ct)
    {
        var snapshot = await store.LoadAsync(ct);
        return Results.Json(new StoredRulesView(snapshot.Revision, snapshot.Rules.Select(View).ToList()), IdentityApiJsonContext.Default.StoredRulesView);
    }

    private static async Task<IResult> GetAsync(string id, IPolicyRuleStore store, CancellationToken ct) =>
        (await store.LoadAsync(ct)).Rules.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.Ordinal)) is { } rule
            ? Results.Json(View(rule), IdentityApiJsonContext.Default.StoredRuleView)
            : throw new WardenHttpException(StatusCodes.Status404NotFound, "not_found", $"no stored rule '{id}'");

    private static async Task<IResult> PutAsync(string id, HttpContext context, PolicyReloadService runtime, CancellationToken ct)
    {
        var body = await System.Text.Json.JsonSerializer.DeserializeAsync(context.Request.Body, IdentityApiJsonContext.Default.PutRuleRequest, ct)
            ?? throw new WardenHttpException(StatusCodes.Status400BadRequest, "invalid_request", "a JSON rule is required");
        if (body.Effect is null)
        {
            throw new WardenHttpException(StatusCodes.Status400BadRequest, "invalid_request", "effect is required (allow, deny, require-approval or redact)");
        }

        var rule = new PolicyRuleDefinition(id, body.Effect, body.Description, body.Actions, body.When, body.Redact, body.AuditFailure, body.CaptureContent);
        var change = await runtime.ChangeAsync(id, rule, outcome => AuditAsync(context, outcome, id, rule), ct);
        return Answer(change, id);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, PolicyReloadService runtime, CancellationToken ct)
    {
        var change = await runtime.ChangeAsync(id, null, outcome => AuditAsync(context, outcome, id, null), ct);
        return Answer(change, id);
    }

    private static Task AuditAsync(HttpContext context, PolicyRuleChangeOutcome outcome, string id, PolicyRuleDefinition? rule)
    {
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        if (rule is not null)
        {
            extra["effect"] = rule.Effect;
            extra["rule_sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(PolicyRuleJson.Serialize(rule))));
        }

        return AuditRecords.AdminChangeAsync(context, "policy_rule", outcome.ToString().ToLowerInvariant() switch
        {
            "created" => "create",
            "updated" => "update",
            _ => "delete",
        }, id, extra);
    }

    private static IResult Answer(PolicyRuleChange change, string id)
    {
        var view = new RuleChangeView(id, change.Outcome.ToString().ToLowerInvariant(), change.Version, change.Revision.ToString(CultureInfo.InvariantCulture));
        return change.Outcome switch
        {
            PolicyRuleChangeOutcome.Created => Results.Json(view, IdentityApiJsonContext.Default.RuleChangeView, statusCode: StatusCodes.Status201Created),
            PolicyRuleChangeOutcome.Updated => Results.Json(view, IdentityApiJsonContext.Default.RuleChangeView),
            PolicyRuleChangeOutcome.Deleted => Results.NoContent(),
            PolicyRuleChangeOutcome.NotFound => throw new WardenHttpException(StatusCodes.Status404NotFound, "not_found", $"no stored rule '{id}'"),
            PolicyRuleChangeOutcome.Conflict => throw new WardenHttpException(StatusCodes.Status409Conflict, "conflict", string.Join("; ", change.Errors)),
            _ => throw new WardenHttpException(StatusCodes.Status422UnprocessableEntity, "invalid_policy", "rejected, the last good policy stays in force: " + string.Join("; ", change.Errors)),
        };
    }

    private static StoredRuleView View(PolicyRuleDefinition r) =>
        new(r.Id, r.Effect, r.Description, r.Actions, r.When, r.Redact, r.AuditFailure, r.CaptureContent);
}
