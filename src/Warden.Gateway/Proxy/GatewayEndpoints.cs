using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Policy;
using Warden.Gateway.Authentication;
using Warden.Gateway.Providers;

namespace Warden.Gateway.Proxy;

/// <summary>The drop-in LLM endpoints.</summary>
internal static class GatewayEndpoints
{
    public static IEndpointRouteBuilder MapWardenGatewayEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The handler is a singleton, taken from the root provider once: going through HttpContext.RequestServices
        // would create (and dispose) a DI scope for every proxied request, which nothing on this path uses.
        var services = endpoints.ServiceProvider;
        ProxyHandler? handler = null;
        ProxyHandler Handler() => handler ??= services.GetRequiredService<ProxyHandler>();
        endpoints.MapPost("/v1/chat/completions", ctx => Handler().HandleAsync(ctx, ApiKind.OpenAIChat));
        endpoints.MapPost("/v1/messages", ctx => Handler().HandleAsync(ctx, ApiKind.AnthropicMessages));
        endpoints.MapPost("/v1/embeddings", ctx => Handler().HandleAsync(ctx, ApiKind.Embeddings));
        endpoints.MapPost("/api/proxy", ctx => Handler().HandleAsync(ctx, ApiKind.UnifiedProxy));
        endpoints.MapGet("/v1/models", static ctx => ListModelsAsync(ctx));
        return endpoints;
    }

    private static async Task ListModelsAsync(HttpContext context)
    {
        var principal = context.RequireWardenPrincipal();
        var registry = context.RequestServices.GetRequiredService<ProviderRegistry>();
        var pdp = context.RequestServices.GetRequiredService<IPolicyDecisionPoint>();
        context.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(context.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, provider) in registry.ListModels())
        {
            bool allowed;
            try
            {
                allowed = pdp.Decide(new PolicyRequest(principal, "llm.chat", provider, id)).IsPermitted;
            }
#pragma warning disable CA1031 // a failing policy engine hides the model (fail closed)
            catch (Exception)
#pragma warning restore CA1031
            {
                allowed = false;
            }

            if (!allowed || !seen.Add(id))
            {
                continue;
            }

            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "model");
            w.WriteNumber("created", 0);
            w.WriteString("owned_by", provider);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync(context.RequestAborted);
    }
}
