using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.Core.Identity;
using Warden.Gateway.Audit;
using Warden.Gateway.Errors;
using Warden.Gateway.Hosting;
using Warden.Gateway.Providers;

namespace Warden.Gateway.Identity;

/// <summary>
/// Admin API for agents (create with a key shown once, list, revoke) and provider keys (set, list, delete; never
/// shown). Every change writes an <c>admin.change</c> record first (fail closed).
/// </summary>
internal static class AdminDirectoryEndpoints
{
    public static RouteGroupBuilder MapWardenDirectoryAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/agents", ListAgentsAsync).WithTags("agents");
        admin.MapPost("/agents", CreateAgentAsync).WithTags("agents");
        admin.MapDelete("/agents/{id}", RevokeAgentAsync).WithTags("agents");
        admin.MapGet("/providers", ListProviders).WithTags("providers");
        admin.MapPut("/providers/{name}/key", SetProviderKeyAsync).WithTags("providers");
        admin.MapDelete("/providers/{name}/key", DeleteProviderKeyAsync).WithTags("providers");
        return admin;
    }

    private static async Task<IResult> ListAgentsAsync(IPrincipalStore store, IRevocationList revocations, CancellationToken ct)
    {
        var list = new List<AgentView>();
        foreach (var a in await store.ListAgentsAsync(ct))
        {
            var revoked = a.IsRevoked || await revocations.FindAsync(null, null, a.Id, null, ct) is not null;
            list.Add(new AgentView(a.Id, a.Name, a.Owner, a.Type, a.Description, a.CreatedAt, revoked));
        }

        return Results.Json(list, IdentityApiJsonContext.Default.ListAgentView);
    }

    private static async Task<IResult> CreateAgentAsync(CreateAgentRequest body, HttpContext context, IPrincipalStore store, IAgentDirectory agents, TimeProvider time, CancellationToken ct)
    {
        if (body.Name is not { Length: > 0 and <= 64 } name || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw BadRequest("name is required: 1-64 of letters, digits, '-', '_', '.'");
        }

        if (body.Type is { Length: > 64 } || body.Owner is { Length: > 256 } || body.Description is { Length: > 1024 })
        {
            throw BadRequest("type (64), owner (256) or description (1024) is too long");
        }

        foreach (var s in body.Ceiling ?? [])
        {
            if (!Scope.TryParse(s, out _, out var error))
            {
                throw BadRequest("ceiling: " + error);
            }
        }

        if (await store.FindAgentByNameAsync(name, ct) is not null)
        {
            throw new WardenHttpException(StatusCodes.Status409Conflict, "conflict", $"an agent named '{name}' already exists");
        }

        var id = WardenBootstrap.NewAgentId();
        await AuditRecords.AdminChangeAsync(context, "agent", "create", id, new Dictionary<string, string>(StringComparer.Ordinal) { ["name"] = name });
        var key = ApiKeys.Generate(ApiKeys.AgentPrefix);
        await store.CreateAgentAsync(new AgentRecord(id, name, time.GetUtcNow(), body.Owner, body.Type, body.Description), ApiKeys.Hash(key), ct);
        if (body.Ceiling is not null)
        {
            await agents.UpdateAsync(id, null, null, null, body.Ceiling, ct);
        }

        return Results.Json(new AgentCreated(id, name, key), IdentityApiJsonContext.Default.AgentCreated, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RevokeAgentAsync(string id, HttpContext context, IAgentDirectory agents, IRevocationList revocations, CancellationToken ct)
    {
        if (await agents.GetAsync(id, ct) is null)
        {
            throw new WardenHttpException(StatusCodes.Status404NotFound, "not_found", "no such agent");
        }

        await AuditRecords.AdminChangeAsync(context, "agent", "revoke", id);
        await revocations.RevokeAsync(RevocationKind.Principal, id, null, ct);
        return Results.NoContent();
    }

    private static IResult ListProviders(ProviderRegistry registry, ProviderKeyVault vault)
    {
        var stored = vault.ListStored().ToHashSet(StringComparer.Ordinal);
        var list = registry.Providers.Select(p => new ProviderView(p.Key, p.Value.Options.Type, p.Value.HasApiKey, stored.Contains(p.Key))).ToList();
        return Results.Json(list, IdentityApiJsonContext.Default.ListProviderView);
    }

    private static async Task<IResult> SetProviderKeyAsync(string name, SetProviderKeyRequest body, HttpContext context, ProviderRegistry registry, ProviderKeyVault vault)
    {
        var provider = Configured(name, registry);
        if (string.IsNullOrWhiteSpace(body.Key) || body.Key.Length > 4096)
        {
            throw BadRequest("key is required (at most 4096 characters)");
        }

        await AuditRecords.AdminChangeAsync(context, "provider_key", "set", provider.Name);
        vault.SetKey(provider.Name, body.Key.Trim());
        provider.ReplaceApiKey(body.Key.Trim());
        return Results.NoContent();
    }

    private static async Task<IResult> DeleteProviderKeyAsync(string name, HttpContext context, ProviderRegistry registry, ProviderKeyVault vault)
    {
        var provider = Configured(name, registry);
        if (!vault.ListStored().Contains(provider.Name, StringComparer.Ordinal))
        {
            throw new WardenHttpException(StatusCodes.Status404NotFound, "not_found", $"no stored key for provider '{provider.Name}'");
        }

        await AuditRecords.AdminChangeAsync(context, "provider_key", "delete", provider.Name);
        vault.DeleteKey(provider.Name);
        provider.ReplaceApiKey(null);
        return Results.NoContent();
    }

    private static ProviderClient Configured(string name, ProviderRegistry registry) =>
        registry.Providers.TryGetValue(name.ToLowerInvariant(), out var p)
            ? p
            : throw new WardenHttpException(StatusCodes.Status404NotFound, "not_found", $"no provider '{name}' is configured");

    private static WardenHttpException BadRequest(string message) => new(StatusCodes.Status400BadRequest, "invalid_request", message);
}
