using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Warden.Core.Identity;
using Warden.Gateway.Authentication;
using Warden.Gateway.Hosting;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Hosting;

public sealed class HostSkeletonTests
{
    private static void MapTestEndpoints(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder e)
    {
        e.MapGet("/api/test/whoami", (HttpContext c) => c.GetWardenPrincipal()!.Name);
        e.MapGet("/api/test/admin", () => "admin-ok").RequireWardenAdmin();
        e.MapGet("/api/test/scanner", () => "scanner-ok").RequireWardenPermission("scanner");
        e.MapPost("/api/test/json", async (HttpContext c) =>
        {
            using var doc = await JsonDocument.ParseAsync(c.Request.Body);
            return doc.RootElement.ValueKind.ToString();
        });
    }

    [Fact]
    public async Task FirstStart_CreatesDatabaseAndAdminKey_StoresOnlyHash()
    {
        await using var gw = await GatewayFixture.StartAsync();
        Assert.True(File.Exists(Path.Combine(gw.DataDirectory, "warden.db")));
        Assert.NotNull(gw.Info.NewAdminKey);
        Assert.StartsWith(ApiKeys.AdminPrefix, gw.Info.NewAdminKey);
        var files = gw.ReadAllDataFiles();
        Assert.DoesNotContain(gw.Info.NewAdminKey!, files, StringComparison.Ordinal);
        Assert.Contains(ApiKeys.Hash(gw.Info.NewAdminKey!), files, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondStart_SameDataDirectory_DoesNotCreateAnotherAdminKey()
    {
        var dir = Path.Combine(Path.GetTempPath(), "warden-gw-" + Guid.NewGuid().ToString("N"));
        string first;
        await using (var gw = await GatewayFixture.StartAsync(dataDirectory: dir + "/x"))
        {
            first = gw.Info.NewAdminKey!;
            Assert.NotNull(first);
        }

        await using var again = await GatewayFixture.StartAsync(dataDirectory: dir + "/x");
        Assert.Null(again.Info.NewAdminKey);
        using var client = again.CreateClient(first);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("api/nothing")).StatusCode);
    }

    [Fact]
    public async Task Healthz_NoCredential_Returns200()
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var client = gw.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("readyz")).StatusCode);
    }

    [Theory]
    [InlineData("v1/chat/completions", "openai")]
    [InlineData("v1/messages", "anthropic")]
    [InlineData("api/proxy", "problem")]
    [InlineData("metrics", "problem")]
    public async Task AnyEndpoint_NoCredential_Returns401InCallerShape(string path, string shape)
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var client = gw.CreateClient();
        using var response = await client.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        switch (shape)
        {
            case "openai":
                Assert.Equal("authentication_error", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
                break;
            case "anthropic":
                Assert.Equal("error", doc.RootElement.GetProperty("type").GetString());
                Assert.Equal("authentication_error", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
                break;
            default:
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
                Assert.Equal(401, doc.RootElement.GetProperty("status").GetInt32());
                break;
        }
    }

    [Theory]
    [InlineData("Authorization", "Bearer ")]
    [InlineData("x-api-key", "")]
    [InlineData("api-key", "")]
    public async Task AgentKey_EachHeaderStyle_Authenticates(string header, string prefix)
    {
        await using var gw = await GatewayFixture.StartAsync(endpoints: MapTestEndpoints);
        var key = await gw.CreateAgentKeyAsync("agent-a");
        using var client = gw.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/test/whoami");
        request.Headers.TryAddWithoutValidation(header, prefix + key);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("agent-a", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ForeignBearer_PlusAgentKeyInXApiKey_Authenticates_ButInvalidAgentKeyNeverFallsThrough()
    {
        await using var gw = await GatewayFixture.StartAsync(endpoints: MapTestEndpoints);
        var key = await gw.CreateAgentKeyAsync("agent-a");
        using var client = gw.CreateClient();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "api/test/whoami"))
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer sk-mock-0000");
            request.Headers.TryAddWithoutValidation("x-api-key", key);
            using var ok = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var bad = new HttpRequestMessage(HttpMethod.Get, "api/test/whoami");
        bad.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ApiKeys.Generate(ApiKeys.AgentPrefix));
        bad.Headers.TryAddWithoutValidation("x-api-key", key);
        using var denied = await client.SendAsync(bad);
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
    }

    [Fact]
    public async Task WrongKey_WellFormed_Returns401()
    {
        await using var gw = await GatewayFixture.StartAsync(endpoints: MapTestEndpoints);
        await gw.CreateAgentKeyAsync("agent-a");
        using var client = gw.CreateClient(ApiKeys.Generate(ApiKeys.AgentPrefix));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/test/whoami")).StatusCode);
    }

    [Fact]
    public async Task AdminEndpoint_AgentKey_Returns403_AdminKey_Returns200()
    {
        await using var gw = await GatewayFixture.StartAsync(endpoints: MapTestEndpoints);
        var agent = await gw.CreateAgentKeyAsync("agent-a");
        using (var client = gw.CreateClient(agent))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("api/test/admin")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("api/test/scanner")).StatusCode);
        }

        using var admin = gw.CreateClient(gw.Info.NewAdminKey);
        Assert.Equal("admin-ok", await admin.GetStringAsync("api/test/admin"));
        Assert.Equal("scanner-ok", await admin.GetStringAsync("api/test/scanner"));
    }

    [Fact]
    public async Task OversizedBody_Returns413_AndServerKeepsServing()
    {
        await using var gw = await GatewayFixture.StartAsync(
            new Dictionary<string, string?> { ["Warden:MaxRequestBodyBytes"] = "2048" }, endpoints: MapTestEndpoints);
        var key = await gw.CreateAgentKeyAsync("agent-a");
        using var client = gw.CreateClient(key);
        var big = "{\"a\":\"" + new string('x', 5000) + "\"}";
        using var response = await client.PostAsync("api/test/json", new StringContent(big, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var ok = await client.PostAsync("api/test/json", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal("Object", await ok.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MalformedJson_Returns400Problem()
    {
        await using var gw = await GatewayFixture.StartAsync(endpoints: MapTestEndpoints);
        var key = await gw.CreateAgentKeyAsync("agent-a");
        using var client = gw.CreateClient(key);
        using var response = await client.PostAsync("api/test/json", new StringContent("{\"a\":", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("warden_invalid_json", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task InvalidConfiguration_ProviderOutsideAllowlist_IsRejectedAtLoad()
    {
        var ex = await Assert.ThrowsAsync<WardenConfigurationException>(() => GatewayFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Warden:Providers:evil:Type"] = "openai-compatible",
            ["Warden:Providers:evil:BaseUrl"] = "https://exfil.example.com/v1",
        }));
        Assert.Contains("EgressAllowlist", ex.Message);
    }
}
