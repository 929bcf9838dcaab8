namespace Warden.Core.Policy.Expressions;

/// <summary>A request attribute a rule can be indexed on: each of these reads a string (or null) and never errors.</summary>
internal enum GuardField
{
    Action,
    Provider,
    Model,
    Tool,
    Data,
    PrincipalId,
    PrincipalKind,
    PrincipalName,
    CredentialType,
    AgentId,
    AgentName,
    AgentType,
    UserId,
    TaskId,
}

/// <summary>
/// A necessary condition extracted from a rule's condition: the rule can only be true when at least one of
/// <see cref="Keys"/> holds for the request (<c>field == "literal"</c>, or <c>"tag" in resource.data</c>). When none
/// holds the condition is <c>false</c> without error (CEL's <c>false &amp;&amp; x</c> is false), so skipping the rule changes
/// no decision, not even for a deny rule whose other clauses would error.
/// </summary>
internal static class CelGuard
{
    private const int MaxKeys = 64;

    /// <summary>The guard of <paramref name="node"/>, or null when it has none (the rule is evaluated for every request).</summary>
    public static IReadOnlyList<(GuardField Field, string Value)>? Extract(CelNode node)
    {
        var keys = Of(node);
        return keys is { Count: > 0 and <= MaxKeys } ? keys : null;
    }

    private static List<(GuardField, string)>? Of(CelNode node)
    {
        switch (node)
        {
            case CelBinary { Op: "&&" } and:
                var l = Of(and.Left);
                var r = Of(and.Right);
                return l is null ? r : r is null ? l : r.Count < l.Count ? r : l;
            case CelBinary { Op: "||" } or:
                var a = Of(or.Left);
                var b = Of(or.Right);
                return a is null || b is null ? null : [.. a, .. b];
            case CelBinary { Op: "==" } eq when Field(eq.Left) is { } f && eq.Right is CelLiteral { Value: string s }:
                return [(f, s)];
            case CelBinary { Op: "==" } eq when Field(eq.Right) is { } f && eq.Left is CelLiteral { Value: string s }:
                return [(f, s)];
            case CelBinary { Op: "in" } inList when Field(inList.Left) is { } f && inList.Right is CelList list && list.Items.Count > 0
                && list.Items.All(i => i is CelLiteral { Value: string }):
                return list.Items.Select(i => (f, (string)((CelLiteral)i).Value!)).ToList();
            case CelBinary { Op: "in", Left: CelLiteral { Value: string tag }, Right: CelSelect { Field: "data", Operand: CelIdent { Name: "resource" } } }:
                return [(GuardField.Data, tag)];
            default:
                return null;
        }
    }

    private static GuardField? Field(CelNode n) => n switch
    {
        CelIdent { Name: "action" } => GuardField.Action,
        CelSelect { Operand: CelIdent { Name: var root }, Field: var field } => (root, field) switch
        {
            ("resource", "provider") => GuardField.Provider,
            ("resource", "model") => GuardField.Model,
            ("resource", "tool") => GuardField.Tool,
            ("principal", "id") => GuardField.PrincipalId,
            ("principal", "kind") => GuardField.PrincipalKind,
            ("principal", "name") => GuardField.PrincipalName,
            ("principal", "credential_type") => GuardField.CredentialType,
            ("agent", "id") => GuardField.AgentId,
            ("agent", "name") => GuardField.AgentName,
            ("agent", "type") => GuardField.AgentType,
            ("user", "id") => GuardField.UserId,
            ("task", "id") => GuardField.TaskId,
            _ => null,
        },
        _ => null,
    };
}
