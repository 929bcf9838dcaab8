namespace Warden.Core.Identity;

/// <summary>
/// Computes a task grant: never more than the intersection of the user's rights and the agent's
/// ceiling; read-only unless write is asked for explicitly; asking for more is refused whole, and
/// the refusal names each refused scope and who lacks it.
/// </summary>
internal static class GrantCalculator
{
    public static GrantResult Compute(ScopeSet requested, ScopeSet userRights, ScopeSet agentCeiling)
    {
        if (requested.Items.Count == 0)
        {
            // Nothing named: the read-only intersection.
            var granted = userRights.Intersect(agentCeiling, keepWrite: false);
            return granted.Items.Count == 0
                ? GrantResult.Refuse(["the user's rights and the agent's ceiling have nothing in common"])
                : GrantResult.Grant(granted);
        }

        var refusals = new List<string>();
        foreach (var want in requested.Items)
        {
            var user = userRights.Covers(want);
            var agent = agentCeiling.Covers(want);
            if (user && agent)
            {
                continue;
            }

            var who = (user, agent) switch
            {
                (false, false) => "the user does not hold it and it exceeds the agent's ceiling",
                (false, true) => "the user does not hold it",
                _ => "it exceeds the agent's ceiling",
            };
            refusals.Add($"{want}: {who}");
        }

        return refusals.Count > 0 ? GrantResult.Refuse(refusals) : GrantResult.Grant(requested);
    }
}

/// <summary>A granted scope set or the list of refusals.</summary>
internal sealed record GrantResult(ScopeSet? Granted, IReadOnlyList<string> Refusals)
{
    public static GrantResult Grant(ScopeSet granted) => new(granted, []);

    public static GrantResult Refuse(IReadOnlyList<string> refusals) => new(null, refusals);
}
