using Microsoft.AspNetCore.Routing;

namespace Warden.Gateway.Proxy;

/// <summary>The drop-in LLM endpoints.</summary>
internal static class GatewayEndpoints
{
    public static IEndpointRouteBuilder MapWardenGatewayEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
