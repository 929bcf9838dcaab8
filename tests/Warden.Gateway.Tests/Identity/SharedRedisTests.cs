using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Identity;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Identity;

/// <summary>Two gateway instances (separate Kestrel servers and DI containers) over one database and one real Redis.</summary>
public sealed class SharedRedisTests
{
    private static string Redis() =>
        Environment.GetEnvironmentVariable("WARDEN_TEST_REDIS") is { Length: > 0 } r
            ? r
            : throw new InvalidOperationException("WARDEN_TEST_REDIS is not set: run eval \"$(scripts/services.sh)\" first");

    private static async Task<(GatewayFixture A, GatewayFixture B, string Dir)> StartPairAsync(Dictionary<string, string?> settings)
    {
        var dir = Path.Combine(Path.GetTempPath(), "warden-pair-" + Guid.NewGuid().ToString("N"));
        settings["Warden:Redis"] = Redis();
        var a = await IdentityGateway.StartAsync(dir, settings);
        var b = await IdentityGateway.StartAsync(dir, settings);
        return (a, b, dir);
    }

    [Fact]
    public async Task TwoInstances_ShareOneRequestLimit_429WithRetryAfter()
    {
        var (a, b, dir) = await StartPairAsync(new() { ["Warden:RateLimits:Agent:RequestsPerMinute"] = "3" });
        try
        {
            // The limit counts per clock-minute window: a burst that straddles a minute boundary meets two windows, so it is
            // run again (new agent, fresh counters) until one burst falls inside one window.
            var statuses = new List<HttpStatusCode>();
            HttpResponseMessage? last = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var agentKey = await a.CreateAgentKeyAsync("limited-" + Guid.NewGuid().ToString("N")[..8]);
                statuses.Clear();
                var window = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() / 60;
                for (var i = 0; i < 6; i++)
                {
                    last = await IdentityGateway.ChatAsync(i % 2 == 0 ? a : b, agentKey, "openai/gpt-4o");
                    statuses.Add(last.StatusCode);
                }

                if (TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() / 60 == window)
                {
                    break;
                }
            }

            // Three pass in total (policy decides them), the rest are limited, whichever instance served them.
            Assert.Equal(3, statuses.Count(s => s != HttpStatusCode.TooManyRequests));
            Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
            Assert.InRange(int.Parse(last.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
            Assert.Contains("exceeded 3 requests per minute", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task RevokeThroughOneInstance_OtherInstanceRefusesNextRequest()
    {
        var (a, b, dir) = await StartPairAsync(new());
        try
        {
            var (agentKey, _, userKey, _) = await IdentityGateway.SetUpAsync(a, ["llm:openai/*"], ["llm:openai/*"], "bot-" + Guid.NewGuid().ToString("N")[..8]);
            var taskId = "task-" + Guid.NewGuid().ToString("N");
            var token = await IdentityGateway.TaskTokenAsync(a, userKey, agentKey, "llm:openai/gpt-4o", taskId);
            Assert.Equal(HttpStatusCode.OK, (await IdentityGateway.ChatAsync(b, token, "openai/gpt-4o")).StatusCode);

            using var admin = a.CreateClient(a.Info.NewAdminKey);
            (await admin.PostAsJsonAsync("admin/revocations", new { kind = "task", id = taskId })).EnsureSuccessStatusCode();
            Assert.Equal(HttpStatusCode.Unauthorized, (await IdentityGateway.ChatAsync(b, token, "openai/gpt-4o")).StatusCode);
            Assert.NotNull(await b.App.Services.GetRequiredService<IRevocationList>().FindAsync(null, taskId, null, null, default));
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
