using System.Collections.Concurrent;
using Warden.Core.Identity;
using Warden.Core.Policy.Expressions;

namespace Warden.Core.Policy;

/// <summary>
/// Finds the rules a request can match without evaluating the others: rules are indexed by the literal keys their
/// condition requires (<see cref="CelGuard"/>: <c>resource.provider == "x"</c>, <c>principal.id in ["a", "b"]</c>,
/// <c>"pii" in resource.data</c>, …, under a top-level <c>&amp;&amp;</c>/<c>||</c>) and by the actions they list. A decision
/// probes one dictionary entry per request attribute and evaluates only the hits plus the unguarded rules of its action,
/// in policy order.
/// </summary>
internal sealed class PolicyRuleIndex
{
    private const int MaxCachedActions = 1024;
    private readonly PolicyRule[] _rules;
    private readonly int[] _unguarded;
    private readonly Dictionary<string, int[]>?[] _byField;
    private readonly bool _anyGuard;
    private readonly ConcurrentDictionary<string, int[]> _unguardedByAction = new(StringComparer.Ordinal);

    public PolicyRuleIndex(PolicyRule[] rules)
    {
        _rules = rules;
        var unguarded = new List<int>();
        var byKey = new Dictionary<(GuardField, string), List<int>>();
        for (var i = 0; i < rules.Length; i++)
        {
            if (rules[i].Program.Guard is not { } guard)
            {
                unguarded.Add(i);
                continue;
            }

            foreach (var key in guard)
            {
                if (!byKey.TryGetValue(key, out var list))
                {
                    byKey[key] = list = [];
                }

                if (list.Count == 0 || list[^1] != i)
                {
                    list.Add(i);
                }
            }
        }

        _unguarded = [.. unguarded];
        _byField = new Dictionary<string, int[]>?[Enum.GetValues<GuardField>().Length];
        foreach (var ((field, value), list) in byKey)
        {
            (_byField[(int)field] ??= new Dictionary<string, int[]>(StringComparer.Ordinal))[value] = [.. list];
        }

        _anyGuard = byKey.Count > 0;
    }

    /// <summary>Number of rules evaluated for every request of an action (no guard).</summary>
    public int UnguardedCount => _unguarded.Length;

    /// <summary>Fills <paramref name="result"/> with the indexes of the candidate rules, ascending (policy order).</summary>
    public void Candidates(PolicyRequest request, List<int> result)
    {
        result.Clear();
        result.AddRange(UnguardedFor(request.Action));
        if (!_anyGuard)
        {
            return;
        }

        var before = result.Count;
        var p = request.Principal;
        Probe(GuardField.Action, request.Action, request.Action, result);
        Probe(GuardField.Provider, request.Provider, request.Action, result);
        Probe(GuardField.Model, request.Model, request.Action, result);
        Probe(GuardField.Tool, request.Tool, request.Action, result);
        Probe(GuardField.PrincipalId, p.Id, request.Action, result);
        Probe(GuardField.PrincipalKind, CelVariables.KindName(p.Kind), request.Action, result);
        Probe(GuardField.PrincipalName, p.Name, request.Action, result);
        Probe(GuardField.CredentialType, p.CredentialType, request.Action, result);
        if (p.Kind == PrincipalKind.Agent)
        {
            Probe(GuardField.AgentId, p.Id, request.Action, result);
            Probe(GuardField.AgentName, p.Name, request.Action, result);
            Probe(GuardField.AgentType, p.AgentType, request.Action, result);
        }

        Probe(GuardField.UserId, p.OnBehalfOf ?? (p.Kind == PrincipalKind.User ? p.Id : null), request.Action, result);
        Probe(GuardField.TaskId, p.TaskId, request.Action, result);
        if (request.DataClassifications is { } data)
        {
            foreach (var tag in data)
            {
                Probe(GuardField.Data, tag, request.Action, result);
            }
        }

        if (result.Count > before)
        {
            result.Sort();
            var w = 1;
            for (var r = 1; r < result.Count; r++)
            {
                if (result[r] != result[w - 1])
                {
                    result[w++] = result[r];
                }
            }

            result.RemoveRange(w, result.Count - w);
        }
    }

    private void Probe(GuardField field, string? value, string action, List<int> result)
    {
        if (value is null || _byField[(int)field] is not { } byValue || !byValue.TryGetValue(value, out var hits))
        {
            return;
        }

        foreach (var i in hits)
        {
            if (_rules[i].AppliesTo(action))
            {
                result.Add(i);
            }
        }
    }

    private int[] UnguardedFor(string action)
    {
        if (_unguardedByAction.TryGetValue(action, out var cached))
        {
            return cached;
        }

        var list = Array.FindAll(_unguarded, i => _rules[i].AppliesTo(action));
        if (_unguardedByAction.Count < MaxCachedActions)
        {
            _unguardedByAction.TryAdd(action, list);
        }

        return list;
    }
}
