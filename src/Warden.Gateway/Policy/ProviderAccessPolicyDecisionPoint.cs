using Warden.Core.Identity;
using Warden.Core.Policy;
using Warden.Gateway.Providers;

namespace Warden.Gateway.Policy;

/// <summary>
/// The default policy until the policy engine replaces it: deny by default; an authenticated agent
/// (or user) may use <c>llm.*</c> actions on a provider whose <c>Agents</c> list names it or holds
/// <c>*</c> (in the configuration snapshot in force). Everything else is denied.
/// </summary>
internal sealed class ProviderAccessPolicyDecisionPoint(ProviderRegistry registry) : IPolicyDecisionPoint
{
    private static readonly PolicyDecision AllowListed = new(PolicyEffect.Allow, "provider-agents", "the agent is listed for the provider");

    public PolicyDecision Decide(PolicyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Principal.Kind == PrincipalKind.Admin)
        {
            return PolicyDecision.DefaultDeny("the admin key cannot call providers; use an agent key");
        }

        if (!request.Action.StartsWith("llm.", StringComparison.Ordinal))
        {
            return PolicyDecision.DefaultDeny($"no rule allows '{request.Action}'");
        }

        if (request.Provider is null)
        {
            return request.Action == "llm.models" ? AllowListed : PolicyDecision.DefaultDeny("no provider");
        }

        if (!registry.Options.Providers.TryGetValue(request.Provider, out var provider))
        {
            return PolicyDecision.DefaultDeny("unknown provider");
        }

        if (provider.Agents is null)
        {
            return AllowListed;
        }

        foreach (var a in provider.Agents)
        {
            if (a == "*" || string.Equals(a, request.Principal.Name, StringComparison.Ordinal))
            {
                return AllowListed;
            }
        }

        return PolicyDecision.DefaultDeny($"agent '{request.Principal.Name}' is not allowed to use provider '{request.Provider}'");
    }
}
