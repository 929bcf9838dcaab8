using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using Warden.Core.Audit;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Audit;

/// <summary>Zero prompt storage: a canary sent through the gateway is in no file, log or exported OTel record.</summary>
public sealed class AuditCanaryTests
{
    private const string Canary = "CANARY-b9e2f1-audit-zero-prompt";

    [Fact]
    public async Task PromptWithCanary_ThroughGateway_AbsentFromDatabaseLogsAndOtelExport()
    {
        await using var provider = await FakeProvider.StartAsync();
        var exported = new List<LogRecord>();
        var settings = new Dictionary<string, string?>
        {
            ["Warden:EgressAllowlist:0"] = "127.0.0.1",
            ["Warden:Providers:fake:Type"] = "openai-compatible",
            ["Warden:Providers:fake:BaseUrl"] = provider.BaseUrl.ToString(),
            ["Warden:Providers:fake:ApiKey"] = "sk-fake-provider-key",
            ["Warden:Providers:fake:Models:0"] = "fake-model",
        };
        string files;
        string logs;
        var otel = new StringBuilder();
        var agentRecords = 0;
        {
            await using var gw = await GatewayFixture.StartAsync(settings, services: s => s.AddLogging(l => l.AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.ParseStateValues = true;
                o.AddInMemoryExporter(exported);
            })));
            var key = await gw.CreateAgentKeyAsync("canary-agent");
            using var client = gw.CreateClient(key);
            client.DefaultRequestHeaders.Add("x-canary", Canary);
            var body = new { model = "fake-model", messages = new[] { new { role = "user", content = $"Remember this: {Canary}" } } };
            using (var response = await client.PostAsJsonAsync($"v1/chat/completions?note={Canary}", body))
            {
                // 200 once the proxy is on main (then the fake provider must have received the canary);
                // until then the request is rejected, and must be audited all the same.
                if (response.IsSuccessStatusCode)
                {
                    Assert.Contains(provider.Bodies, b => b.Contains(Canary, StringComparison.Ordinal));
                }
            }

            using (var bad = gw.CreateClient("wk_agent_" + Canary))
            using (await bad.PostAsJsonAsync("v1/chat/completions", body))
            {
            }

            var store = gw.App.Services.GetRequiredService<IAuditStore>();
            agentRecords = (await store.QueryAsync(new AuditQuery { Limit = 1000 }, default)).Count(r => r.Sequence > 1);
            await gw.App.StopAsync();
            files = gw.ReadAllDataFiles();
            logs = gw.Logs.AllText;
        }

        foreach (var r in exported)
        {
            otel.Append(r.FormattedMessage).Append(' ').Append(r.Body).Append(' ');
            foreach (var a in r.Attributes ?? [])
            {
                otel.Append(a.Key).Append('=').Append(a.Value).Append(' ');
            }
        }

        Assert.True(agentRecords >= 2, $"expected the requests in the trail, found {agentRecords} records");
        Assert.Contains(exported, r => r.EventId.Id == 5001);
        Assert.Contains("gateway.rejected", otel.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, files, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, otel.ToString(), StringComparison.Ordinal);
    }
}
