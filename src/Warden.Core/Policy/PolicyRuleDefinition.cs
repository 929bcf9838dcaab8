namespace Warden.Core.Policy;

/// <summary>
/// A rule as the admin API and the rule store hold it: the same fields as a YAML rule (see docs/policy.md), not yet
/// validated. <see cref="PolicyLoader.Load(IEnumerable{ValueTuple{string, string}}, IReadOnlyList{PolicyRuleDefinition})"/>
/// validates it together with the policy files, whole.
/// </summary>
/// <param name="Id">Unique rule id.</param>
/// <param name="Effect"><c>allow</c>, <c>deny</c>, <c>require-approval</c> or <c>redact</c>.</param>
/// <param name="Description">What the rule is for.</param>
/// <param name="Actions">Actions it applies to (null: all).</param>
/// <param name="When">CEL condition (null: true).</param>
/// <param name="Redact">Data tags to redact (redact rules only).</param>
/// <param name="AuditFailure"><c>closed</c> (default) or <c>open</c>: whether a request this rule allows proceeds when the audit trail cannot be written.</param>
/// <param name="CaptureContent">When true, a request this rule allows has its prompt and response captured (encrypted, with retention).</param>
public sealed record PolicyRuleDefinition(
    string Id,
    string Effect,
    string? Description = null,
    IReadOnlyList<string>? Actions = null,
    string? When = null,
    IReadOnlyList<string>? Redact = null,
    string? AuditFailure = null,
    bool? CaptureContent = null);
