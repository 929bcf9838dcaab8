using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Audit;
using Warden.Gateway.Tests.Identity;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Policy;

/// <summary>A gateway with a YAML policy in front of fake OpenAI and Anthropic providers, and a task token for an agent.</summary>
internal sealed class PolicyGateway : IAsyncDisposable
{
    public const string Policy = """
        rules:
          - id: allow-chat
            effect: allow
            actions: [llm.chat]
          - id: no-pii-to-openai
            description: PII never goes to OpenAI
            effect: deny
            when: resource.provider == "openai" && "pii" in resource.data
        """;

    private PolicyGateway(FakeProvider openai, FakeProvider anthropic, GatewayFixture gw)
    {
        OpenAI = openai;
        Anthropic = anthropic;
        Gateway = gw;
    }

    public FakeProvider OpenAI { get; }

    public FakeProvider Anthropic { get; }

    public GatewayFixture Gateway { get; }

    public string AgentKey { get; private set; } = "";

    public string AgentId { get; private set; } = "";

    public string UserKey { get; private set; } = "";

    public string UserId { get; private set; } = "";

    /// <summary>The credential a test sends (agent key or task token).</summary>
    public string Bearer { get; set; } = "";

    public static async Task<PolicyGateway> StartAsync(string policy = Policy, IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        var openai = await FakeProvider.StartAsync("openai");
        var anthropic = await FakeProvider.StartAsync("anthropic");
        var settings = ProxySettings.For(openai, anthropic);
        settings["Warden:Providers:openai:Models:1"] = "gpt-4o";
        if (policy.Length > 0)
        {
            var file = Path.Combine(Path.GetTempPath(), "warden-policy-" + Guid.NewGuid().ToString("N") + ".yaml");
            await File.WriteAllTextAsync(file, policy);
            settings["Warden:Policy:Path"] = file;
        }

        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        var gw = await GatewayFixture.StartAsync(settings, services);
        var self = new PolicyGateway(openai, anthropic, gw);
        (self.AgentKey, self.AgentId, self.UserKey, self.UserId) = await IdentityGateway.SetUpAsync(
            gw, ["llm:openai/*", "llm:anthropic/*", "data:*"], ["llm:*", "data:*"]);
        return self;
    }

    public Task<string> TokenAsync(string scope, string? taskId = null) => IdentityGateway.TaskTokenAsync(Gateway, UserKey, AgentKey, scope, taskId);

    /// <summary>
    /// The committed records of <paramref name="type"/>. <c>gateway.response</c> records are queued into the trail without
    /// holding the answer, so a test that expects some waits (bounded) until at least <paramref name="atLeast"/> are committed.
    /// </summary>
    public async Task<IReadOnlyList<AuditEvent>> RecordsAsync(string type, int atLeast = 0)
    {
        var store = Gateway.App.Services.GetRequiredService<IAuditStore>();
        for (var waited = 0; ; waited++)
        {
            var rows = await store.QueryAsync(new AuditQuery { Type = type }, default);
            if (rows.Count >= atLeast || waited >= 100)
            {
                return rows.Select(r => AuditCanonicalJson.Parse(r).Event).ToList();
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await OpenAI.DisposeAsync();
        await Anthropic.DisposeAsync();
    }
}
