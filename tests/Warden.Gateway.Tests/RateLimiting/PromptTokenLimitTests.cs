using System.Net;
using Warden.Gateway.Tests.Identity;

namespace Warden.Gateway.Tests.RateLimiting;

/// <summary>The rate-limit middleware tokenizes the prompt only when a prompt-token limit applies, and then enforces it.</summary>
public sealed class PromptTokenLimitTests
{
    [Fact]
    public async Task PromptLimit_Configured_PromptCountedAndRefused()
    {
        var gw = await IdentityGateway.StartAsync(extra: new Dictionary<string, string?> { ["Warden:RateLimits:Agent:PromptTokensPerMinute"] = "1" });
        await using (gw)
        {
            var key = await gw.CreateAgentKeyAsync("prompt-limited");
            // PostAsJsonAsync sends the body chunked (no Content-Length): it must be counted all the same.
            var refused = await IdentityGateway.ChatAsync(gw, key, "openai/gpt-4o");
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Matches("the prompt \\([0-9]+ tokens\\) is larger than agent:[^ ]+.s limit of 1 prompt tokens per minute", await refused.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task OnlyRequestLimit_PromptNotCounted_RequestPasses()
    {
        var gw = await IdentityGateway.StartAsync(extra: new Dictionary<string, string?> { ["Warden:RateLimits:Agent:RequestsPerMinute"] = "100" });
        await using (gw)
        {
            var key = await gw.CreateAgentKeyAsync("request-limited");
            var answered = await IdentityGateway.ChatAsync(gw, key, "openai/gpt-4o");
            Assert.NotEqual(HttpStatusCode.TooManyRequests, answered.StatusCode);
        }
    }
}
