using Microsoft.Extensions.Time.Testing;
using Warden.Core.Identity;
using Warden.Core.RateLimiting;

namespace Warden.Core.Tests.RateLimiting;

public sealed class RateLimitEnforcerTests
{
    private static readonly WardenPrincipal TaskAgent = new("agt_1", PrincipalKind.Agent, "bot", "task_token", OnBehalfOf: "usr_1", TaskId: "t1");

    private static (RateLimitEnforcer Enforcer, FakeTimeProvider Time) Create(RateLimitOptions options)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        return (new RateLimitEnforcer(new InMemoryQuotaStore(time), options, time), time);
    }

    [Fact]
    public async Task Requests_OverLimit_RefusedUntilNextWindow()
    {
        var (e, time) = Create(new RateLimitOptions { Agent = new() { RequestsPerMinute = 3 } });
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await e.CheckAsync(TaskAgent, 0, default)).Allowed);
        }

        time.Advance(TimeSpan.FromSeconds(20));
        var refused = await e.CheckAsync(TaskAgent, 0, default);
        Assert.False(refused.Allowed);
        Assert.Equal(40, refused.RetryAfterSeconds);
        Assert.Equal("agent:agt_1 exceeded 3 requests per minute", refused.Reason);

        time.Advance(TimeSpan.FromSeconds(40));
        Assert.True((await e.CheckAsync(TaskAgent, 0, default)).Allowed);
    }

    [Fact]
    public async Task UserLimit_SharedAcrossAgentsActingForUser()
    {
        var (e, _) = Create(new RateLimitOptions { User = new() { RequestsPerMinute = 2 } });
        var other = TaskAgent with { Id = "agt_2", TaskId = "t2" };
        Assert.True((await e.CheckAsync(TaskAgent, 0, default)).Allowed);
        Assert.True((await e.CheckAsync(other, 0, default)).Allowed);
        var refused = await e.CheckAsync(other, 0, default);
        Assert.False(refused.Allowed);
        Assert.StartsWith("user:usr_1", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PromptTokens_CountedBeforeForwarding()
    {
        var (e, time) = Create(new RateLimitOptions { Task = new() { PromptTokensPerMinute = 1000 } });
        Assert.True((await e.CheckAsync(TaskAgent, 600, default)).Allowed);
        var refused = await e.CheckAsync(TaskAgent, 500, default);
        Assert.False(refused.Allowed);
        Assert.Contains("prompt tokens", refused.Reason, StringComparison.Ordinal);
        Assert.True((await e.CheckAsync(TaskAgent, 400, default)).Allowed); // the refused 500 was not counted
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await e.CheckAsync(TaskAgent, 1000, default)).Allowed);
        Assert.False((await e.CheckAsync(TaskAgent, 1001, default)).Allowed);
    }

    [Fact]
    public void CountsPromptTokens_OnlyWhenAPromptLimitApplies()
    {
        Assert.False(Create(new RateLimitOptions { Agent = new() { RequestsPerMinute = 5, CompletionTokensPerMinute = 10 } }).Enforcer.CountsPromptTokens(TaskAgent));
        Assert.True(Create(new RateLimitOptions { Task = new() { PromptTokensPerMinute = 1000 } }).Enforcer.CountsPromptTokens(TaskAgent));
        Assert.True(Create(new RateLimitOptions { User = new() { PromptTokensPerMinute = 1000 } }).Enforcer.CountsPromptTokens(TaskAgent));
        var overrides = new RateLimitOptions { Overrides = new Dictionary<string, RateLimitSettings> { ["agent:agt_1"] = new() { PromptTokensPerMinute = 50 } } };
        Assert.True(Create(overrides).Enforcer.CountsPromptTokens(TaskAgent));
        Assert.False(Create(overrides).Enforcer.CountsPromptTokens(TaskAgent with { Id = "agt_2", OnBehalfOf = null, TaskId = null }));
    }

    [Fact]
    public async Task CompletionTokens_RecordedAfter_BlockNextRequest()
    {
        var (e, time) = Create(new RateLimitOptions { Agent = new() { CompletionTokensPerMinute = 100 } });
        Assert.True((await e.CheckAsync(TaskAgent, 0, default)).Allowed);
        await e.RecordAsync(TaskAgent, 150, 0, default);
        var refused = await e.CheckAsync(TaskAgent, 0, default);
        Assert.False(refused.Allowed);
        Assert.Equal("agent:agt_1 has used its completion tokens per minute", refused.Reason);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await e.CheckAsync(TaskAgent, 0, default)).Allowed);
    }

    [Fact]
    public async Task SpendBudget_PerDay_RefusesUntilNextPeriod()
    {
        var (e, time) = Create(new RateLimitOptions { User = new() { SpendMicrosPerPeriod = 5_000_000, SpendPeriod = TimeSpan.FromDays(1) } });
        await e.RecordAsync(TaskAgent, 0, 4_000_000, default);
        Assert.True((await e.CheckAsync(TaskAgent, 0, default)).Allowed);
        await e.RecordAsync(TaskAgent, 0, 1_000_000, default);
        var refused = await e.CheckAsync(TaskAgent, 0, default);
        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromHours(15), refused.RetryAfter);
        time.Advance(TimeSpan.FromHours(15));
        Assert.True((await e.CheckAsync(TaskAgent, 0, default)).Allowed);
    }

    [Fact]
    public async Task Override_ForOneAgent_Applies()
    {
        var (e, _) = Create(new RateLimitOptions
        {
            Agent = new() { RequestsPerMinute = 100 },
            Overrides = new Dictionary<string, RateLimitSettings> { ["agent:agt_1"] = new() { RequestsPerMinute = 1 } },
        });
        Assert.True((await e.CheckAsync(TaskAgent, 0, default)).Allowed);
        Assert.False((await e.CheckAsync(TaskAgent, 0, default)).Allowed);
        Assert.True((await e.CheckAsync(TaskAgent with { Id = "agt_9" }, 0, default)).Allowed);
    }

    [Fact]
    public void Options_Negative_Rejected() =>
        Assert.Throws<ArgumentException>(() => new RateLimitOptions { Agent = new() { RequestsPerMinute = -1 } }.Validate());

    [Fact]
    public void TokenCounter_KnownModel_CountsTokens()
    {
        var counter = new PromptTokenCounter();
        var n = counter.Count("gpt-4o", "Hello, world! This is a test of the tokenizer.");
        Assert.InRange(n, 8, 16);
        Assert.Equal(n, counter.Count("some-unknown-model", "Hello, world! This is a test of the tokenizer."));
        Assert.Equal(0, counter.Count("gpt-4o", ""));
    }
}
