using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Warden.Gateway.Authentication;
using Warden.Gateway.Policy;

namespace Warden.Gateway.Identity;

/// <summary>Maps the identity and policy endpoints.</summary>
public static class WardenIdentityEndpointRouteBuilderExtensions
{
    /// <summary><c>/oauth/token</c>, <c>/.well-known/jwks.json</c>, the admin API under <c>/admin</c> and its OpenAPI document at <c>/admin/openapi/admin.json</c>.</summary>
    public static IEndpointRouteBuilder MapWardenIdentity(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapWardenTokenEndpoints();
        var admin = endpoints.MapGroup("/admin").RequireWardenAdmin();
        admin.MapWardenIdentityAdmin();
        admin.MapWardenDirectoryAdmin();
        admin.MapWardenPolicyAdmin();
        admin.MapWardenPolicyRules();
        endpoints.MapOpenApi("/admin/openapi/{documentName}.json").RequireWardenAdmin();
        return endpoints;
    }
}
