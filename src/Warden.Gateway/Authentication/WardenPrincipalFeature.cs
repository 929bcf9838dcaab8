using Warden.Core.Identity;

namespace Warden.Gateway.Authentication;

/// <summary>The request feature holding the authenticated principal.</summary>
internal sealed class WardenPrincipalFeature(WardenPrincipal principal)
{
    public WardenPrincipal Principal { get; } = principal;
}
