using Warden.Core.Identity;

namespace Warden.Gateway.Hosting;

/// <summary>First-start work: the admin key, and the demo agent in demo mode.</summary>
internal static class WardenBootstrap
{
    public const string DemoAgentName = "demo";

    public static async Task RunAsync(IPrincipalStore store, WardenGatewayOptions options, WardenStartupInfo info, TimeProvider time, CancellationToken ct)
    {
        if (!await store.HasAdminKeyAsync(ct))
        {
            var key = ApiKeys.Generate(ApiKeys.AdminPrefix);
            await store.AddAdminKeyAsync("admin-" + Guid.NewGuid().ToString("N")[..12], ApiKeys.Hash(key), ct);
            info.NewAdminKey = key;
        }

        if (options.Demo)
        {
            var key = ApiKeys.Generate(ApiKeys.AgentPrefix);
            var existing = await store.FindAgentByNameAsync(DemoAgentName, ct);
            if (existing is null)
            {
                await store.CreateAgentAsync(new AgentRecord(NewAgentId(), DemoAgentName, time.GetUtcNow(), Description: "demo agent (warden serve --demo)"), ApiKeys.Hash(key), ct);
            }
            else
            {
                await store.ReplaceAgentKeyAsync(existing.Id, ApiKeys.Hash(key), ct);
            }

            info.DemoAgentKey = key;
        }
    }

    /// <summary>A new agent id.</summary>
    public static string NewAgentId() => "agt_" + Guid.NewGuid().ToString("N")[..16];
}
