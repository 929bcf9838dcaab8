using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Hosting;

/// <summary>The host starts no per-request Activity (and log scope) when nothing traces; a tracer still gets its own.</summary>
public sealed class HostingActivityTests
{
    private static void MapProbe(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder e) =>
        e.MapGet("/api/test/activity", () => Activity.Current is null ? "none" : "activity");

    [Fact]
    public async Task Request_NoTracer_StartsNoActivity()
    {
        await using var gw = await GatewayFixture.StartAsync(endpoints: MapProbe);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("probe"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/test/activity");
        request.Headers.TryAddWithoutValidation("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        Assert.Equal("none", await (await client.SendAsync(request)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Request_WithActivityListener_StillGetsItsActivity()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);
        await using var gw = await GatewayFixture.StartAsync(endpoints: MapProbe);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("probe"));
        Assert.Equal("activity", await client.GetStringAsync(new Uri("api/test/activity", UriKind.Relative)));
    }
}
