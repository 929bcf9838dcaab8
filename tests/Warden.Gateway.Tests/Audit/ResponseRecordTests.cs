using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Audit;
using Warden.Gateway.Tests.Policy;

namespace Warden.Gateway.Tests.Audit;

/// <summary>
/// The <c>gateway.response</c> record is queued into the trail without holding the answer (the <c>gateway.request</c>
/// record was durable before anything was forwarded). If the trail fails to write it, the failure is logged and the
/// record kept; the next request is not forwarded until it is written (fail closed).
/// </summary>
public sealed class ResponseRecordTests
{
    private const string Policy = """
        rules:
          - id: allow-chat
            effect: allow
            actions: [llm.chat]
        """;

    [Fact]
    public async Task ResponseRecordFails_AnswerSent_NextRequestRefusedUntilTheRecordIsWritten()
    {
        var trail = new SwitchableAuditTrail();
        await using var gw = await PolicyGateway.StartAsync(Policy, services: s => s.AddSingleton<IAuditTrail>(trail));

        trail.FailResponses = true;
        var (first, firstBody) = await ChatAsync(gw);
        Assert.True(first == HttpStatusCode.OK, firstBody);
        Assert.Contains(gw.Gateway.Logs.Lines, l => l.Contains("[5031]", StringComparison.Ordinal));
        Assert.DoesNotContain(trail.Events, e => e.Type == "gateway.response");

        // The lost record still cannot be written, so the next request is refused and not forwarded.
        var (second, secondBody) = await ChatAsync(gw);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second);
        Assert.Contains("audit", secondBody, StringComparison.Ordinal);
        Assert.Single(gw.OpenAI.Requests);

        // Back up: the next request first writes the lost record, then proceeds; the record precedes its request record.
        trail.FailResponses = false;
        var (third, thirdBody) = await ChatAsync(gw);
        Assert.True(third == HttpStatusCode.OK, thirdBody);
        var events = trail.Events.ToList();
        var late = Assert.Single(events, e => e.Type == "audit.fail_open");
        Assert.Equal("gateway.response", late.Attributes!["missed_type"]);
        Assert.Equal(200, late.Status);
        Assert.Equal(gw.AgentId, late.AgentId);
        var requests = events.Select((e, i) => (e, i)).Where(x => x.e.Type == "gateway.request").Select(x => x.i).ToList();
        Assert.Equal(2, requests.Count);
        Assert.True(events.IndexOf(late) < requests[1], "the lost response record is written before the next request's record");
    }

    [Fact]
    public async Task ResponseRecord_HashChainTrail_CommittedAfterTheAnswer()
    {
        await using var gw = await PolicyGateway.StartAsync(Policy);
        var (status, body) = await ChatAsync(gw);
        Assert.True(status == HttpStatusCode.OK, body);
        var response = Assert.Single(await gw.RecordsAsync("gateway.response", atLeast: 1));
        Assert.Equal(200, response.Status);
        Assert.Equal("allow-chat", response.RuleId);
        Assert.Single(await gw.RecordsAsync("gateway.request"));
    }

    [Fact]
    public async Task UpstreamFails_ScrubbedRequest_ResponseRecordCarriesStatusProviderAndFindingCounts()
    {
        await using var gw = await PolicyGateway.StartAsync(Policy);
        gw.OpenAI.Respond = static async (ctx, _) =>
        {
            ctx.Response.StatusCode = 500;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"error":{"message":"upstream broke"}}""");
        };

        using var client = gw.Gateway.CreateClient(gw.AgentKey);
        using var response = await client.PostAsJsonAsync("v1/chat/completions", new
        {
            model = "gpt-4o-mini",
            scrub = true,
            messages = new[] { new { role = "user", content = "Write to jane.doe@example.com about the invoice." } },
        });
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain(gw.OpenAI.Requests, r => r.Body.Contains("jane.doe@example.com", StringComparison.Ordinal));

        // The answer was an error, but what left the building is on record: the provider, the status, what was redacted.
        var record = Assert.Single(await gw.RecordsAsync("gateway.response", atLeast: 1));
        Assert.Equal(500, record.Status);
        Assert.Equal("openai", record.Provider);
        Assert.Equal(1, record.FindingCounts!["EMAIL_ADDRESS"]);
        Assert.Contains(await gw.RecordsAsync("gateway.rejected", atLeast: 1), r => r.Status == 500);
    }

    [Fact]
    public async Task NoTargetTried_RefusedBeforeForwarding_NoResponseRecord()
    {
        await using var gw = await PolicyGateway.StartAsync(Policy);
        using var client = gw.Gateway.CreateClient(gw.AgentKey);
        using var response = await client.PostAsJsonAsync("v1/chat/completions", new { model = "gpt-4o-mini", messages = "not a list" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(gw.OpenAI.Requests);
        Assert.Empty(await gw.RecordsAsync("gateway.response"));
        Assert.NotEmpty(await gw.RecordsAsync("gateway.rejected", atLeast: 1));
    }

    private static async Task<(HttpStatusCode Status, string Body)> ChatAsync(PolicyGateway gw)
    {
        using var client = gw.Gateway.CreateClient(gw.AgentKey);
        using var response = await client.PostAsJsonAsync("v1/chat/completions", new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "hi" } } });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
