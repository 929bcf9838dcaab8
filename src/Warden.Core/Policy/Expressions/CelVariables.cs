using System.Collections;
using Warden.Core.Identity;

namespace Warden.Core.Policy.Expressions;

/// <summary>The variables a Warden condition may read, and how each field is fetched (no allocation on the hot path).</summary>
internal static class CelVariables
{
    private static readonly string[] NoStrings = [];

    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, Func<EvalContext, object?>>> Roots =
        new Dictionary<string, IReadOnlyDictionary<string, Func<EvalContext, object?>>>(StringComparer.Ordinal)
        {
            ["principal"] = new Dictionary<string, Func<EvalContext, object?>>(StringComparer.Ordinal)
            {
                ["id"] = c => c.Principal.Id,
                ["kind"] = c => KindName(c.Principal.Kind),
                ["name"] = c => c.Principal.Name,
                ["credential_type"] = c => c.Principal.CredentialType,
                ["scopes"] = c => AsList(c.Principal.Scopes),
            },
            ["agent"] = new Dictionary<string, Func<EvalContext, object?>>(StringComparer.Ordinal)
            {
                ["id"] = c => c.Principal.Kind == PrincipalKind.Agent ? c.Principal.Id : null,
                ["name"] = c => c.Principal.Kind == PrincipalKind.Agent ? c.Principal.Name : null,
                ["type"] = c => c.Principal.Kind == PrincipalKind.Agent ? c.Principal.AgentType : null,
            },
            ["user"] = new Dictionary<string, Func<EvalContext, object?>>(StringComparer.Ordinal)
            {
                ["id"] = c => c.Principal.OnBehalfOf ?? (c.Principal.Kind == PrincipalKind.User ? c.Principal.Id : null),
            },
            ["task"] = new Dictionary<string, Func<EvalContext, object?>>(StringComparer.Ordinal)
            {
                ["id"] = c => c.Principal.TaskId,
                ["scopes"] = c => c.Principal.TaskId is null ? NoStrings : AsList(c.Principal.Scopes),
                ["expires_at"] = c => c.Principal.ExpiresAt is { } e ? e : null,
            },
            ["resource"] = new Dictionary<string, Func<EvalContext, object?>>(StringComparer.Ordinal)
            {
                ["provider"] = c => c.Request.Provider,
                ["model"] = c => c.Request.Model,
                ["tool"] = c => c.Request.Tool,
                ["data"] = c => AsList(c.Request.DataClassifications),
            },
        };

    /// <summary>Variables that are values themselves.</summary>
    public static readonly IReadOnlyDictionary<string, Func<EvalContext, object?>> Values =
        new Dictionary<string, Func<EvalContext, object?>>(StringComparer.Ordinal)
        {
            ["action"] = c => c.Request.Action,
            ["time"] = c => c.Now,
            ["request"] = c => c.Attributes,
        };

    public static string KindName(PrincipalKind kind) => kind switch
    {
        PrincipalKind.Agent => "agent",
        PrincipalKind.User => "user",
        _ => "admin",
    };

    private static IList AsList(IReadOnlyList<string>? list) => list switch
    {
        null => NoStrings,
        IList l => l,
        _ => list.ToArray(),
    };
}
