using Warden.Core.Identity;

namespace Warden.Core.Policy;

/// <summary>
/// The grant check that runs before any rule: a task token may only reach the provider/model,
/// tool and data classes its scopes name, with write only when the token grants write.
/// </summary>
internal static class ScopeGuard
{
    public const string RuleId = "task-scope";

    /// <summary>The first scope the request needs and the token lacks, or null when covered (or not a task token).</summary>
    public static string? FindMissing(PolicyRequest request)
    {
        var p = request.Principal;
        if (p.TaskId is null)
        {
            return null;
        }

        var access = request.Attributes is { } attrs && attrs.TryGetValue("access", out var a) && string.Equals(a, "write", StringComparison.Ordinal)
            ? ScopeAccess.Write : ScopeAccess.Read;
        if (request.Provider is not null)
        {
            var resource = request.Model is null ? request.Provider : request.Provider + "/" + request.Model;
            var need = new Scope(ScopeKind.Llm, resource, access);
            if (!Covered(p.GrantedScopes, need))
            {
                return need.ToString();
            }
        }

        if (request.Tool is not null)
        {
            var need = new Scope(ScopeKind.Tool, request.Tool, access);
            if (!Covered(p.GrantedScopes, need))
            {
                return need.ToString();
            }
        }

        if (request.DataClassifications is { } tags)
        {
            foreach (var tag in tags)
            {
                var need = new Scope(ScopeKind.Data, tag, ScopeAccess.Read);
                if (!Covered(p.GrantedScopes, need))
                {
                    return need.ToString();
                }
            }
        }

        return null;
    }

    private static bool Covered(IReadOnlyList<string> granted, Scope need)
    {
        for (var i = 0; i < granted.Count; i++)
        {
            if (Scope.TryParse(granted[i], out var s, out _) && s.Covers(need))
            {
                return true;
            }
        }

        return false;
    }
}
