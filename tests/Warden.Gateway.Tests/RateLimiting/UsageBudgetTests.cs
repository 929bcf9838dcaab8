using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Warden.Gateway.Tests.Policy;

namespace Warden.Gateway.Tests.RateLimiting;

/// <summary>
/// Completion-token and spend budgets through the real proxy: the proxy records what each answer used (provider usage,
/// or the tokenizer's count of a stream that reported none) and the next request over budget is 429 + Retry-After.
/// The gateway runs on a fake clock parked mid-window, so the window cannot roll over during a test.
/// </summary>
public sealed class UsageBudgetTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 20, TimeSpan.Zero);

    [Theory]
    [InlineData("v1/chat/completions", "gpt-4o-mini", false, "10")] // usage 7 per answer: 7, 14 → third refused
    [InlineData("v1/messages", "claude-sonnet-4-5", false, "6")]    // output_tokens 5: 5, 10 → third refused
    [InlineData("v1/messages", "claude-sonnet-4-5", true, "6")]     // streamed, message_delta usage 5
    public async Task CompletionTokensPerMinute_RecordedFromUsage_ThirdRequest429(string endpoint, string model, bool stream, string limit)
    {
        await using var gw = await StartAsync(new() { ["Warden:RateLimits:Agent:CompletionTokensPerMinute"] = limit });
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gw, endpoint, model, stream)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gw, endpoint, model, stream)).Status);
        var (status, retryAfter, body) = await SendAsync(gw, endpoint, model, stream);
        Assert.True(status == HttpStatusCode.TooManyRequests, body);
        Assert.InRange(retryAfter!.Value, 1, 60);
        Assert.Contains("completion tokens", body, StringComparison.Ordinal);
        Assert.Equal(2, gw.OpenAI.Requests.Count + gw.Anthropic.Requests.Count);
    }

    [Fact]
    public async Task StreamWithoutUsage_CountedWithTokenizer_NextRequest429()
    {
        // The caller did not ask for stream usage, so the OpenAI stream passes through without a usage chunk;
        // the answer "Hello from the fake provider | hello there" is about ten tokens.
        await using var gw = await StartAsync(new() { ["Warden:RateLimits:Agent:CompletionTokensPerMinute"] = "5" });
        var first = await SendAsync(gw, "v1/chat/completions", "gpt-4o-mini", stream: true);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.DoesNotContain("\"usage\"", first.Body, StringComparison.Ordinal);
        var second = await SendAsync(gw, "v1/chat/completions", "gpt-4o-mini", stream: true);
        Assert.True(second.Status == HttpStatusCode.TooManyRequests, second.Body);
    }

    [Fact]
    public async Task SpendBudget_PricedFromTable_RefusedWithRetryAfterToPeriodEnd()
    {
        // 11 prompt + 7 completion tokens at 1 micro-unit each = 18 per answer; budget 30 → third refused.
        await using var gw = await StartAsync(new()
        {
            ["Warden:RateLimits:User:SpendMicrosPerPeriod"] = "30",
            ["Warden:RateLimits:User:SpendPeriod"] = "01:00:00",
            ["Warden:RateLimits:Prices:openai/gpt-4o-mini:PromptMicrosPerMillionTokens"] = "1000000",
            ["Warden:RateLimits:Prices:openai/gpt-4o-mini:CompletionMicrosPerMillionTokens"] = "1000000",
        }, userToken: true);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gw, "v1/chat/completions", "gpt-4o-mini", false)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gw, "v1/chat/completions", "gpt-4o-mini", false)).Status);
        var (status, retryAfter, body) = await SendAsync(gw, "v1/chat/completions", "gpt-4o-mini", false);
        Assert.True(status == HttpStatusCode.TooManyRequests, body);
        Assert.Contains("spend budget", body, StringComparison.Ordinal);
        Assert.Equal(3600 - 20, retryAfter); // to the end of the hour-long period
    }

    [Fact]
    public async Task UnpricedModel_CostsNothing_BudgetNeverHit()
    {
        await using var gw = await StartAsync(new() { ["Warden:RateLimits:Agent:SpendMicrosPerPeriod"] = "1" });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(gw, "v1/chat/completions", "gpt-4o-mini", false)).Status);
        }
    }

    private static async Task<PolicyGateway> StartAsync(Dictionary<string, string?> settings, bool userToken = false)
    {
        var time = new FakeTimeProvider(Now);
        var gw = await PolicyGateway.StartAsync(policy: "", extra: settings, services: s => s.AddSingleton<TimeProvider>(time));
        gw.Bearer = userToken ? await gw.TokenAsync("llm:openai/* data:*", "budget-task") : gw.AgentKey;
        return gw;
    }

    private static async Task<(HttpStatusCode Status, int? RetryAfter, string Body)> SendAsync(PolicyGateway gw, string endpoint, string model, bool stream)
    {
        using var client = gw.Gateway.CreateClient(gw.Bearer);
        using var response = await client.PostAsJsonAsync(endpoint, new Dictionary<string, object?>
        {
            ["model"] = model,
            ["max_tokens"] = 64,
            ["stream"] = stream,
            ["messages"] = new[] { new { role = "user", content = "hello there" } },
        });
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Headers.RetryAfter?.Delta is { } d ? (int)d.TotalSeconds : null, body);
    }
}
