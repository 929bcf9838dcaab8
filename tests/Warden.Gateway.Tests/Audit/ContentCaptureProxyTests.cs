using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Audit;
using Warden.Gateway.Tests.Policy;

namespace Warden.Gateway.Tests.Audit;

/// <summary>
/// Content capture through the real proxy: only a request whose allowing rule says <c>capture_content: true</c> has its
/// prompt and answer stored, encrypted, apart from the chain (canary strings prove the rest never reach any file);
/// the captured content is deleted after its retention and the chain still verifies.
/// </summary>
public sealed class ContentCaptureProxyTests
{
    private const string Policy = """
        rules:
          - id: capture-task
            effect: allow
            actions: [llm.chat]
            capture_content: true
            when: task.id == "capture-me"
          - id: allow-chat
            effect: allow
            actions: [llm.chat]
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CaptureOnlyWhenPolicyAsks_EncryptedApart_ExpiresAndChainVerifies(bool stream)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        await using var gw = await PolicyGateway.StartAsync(Policy, new Dictionary<string, string?> { ["Warden:Audit:Capture:RetentionHours"] = "1" },
            s => s.AddSingleton<TimeProvider>(time));
        var captured = "CANARY-CAPTURED-" + Guid.NewGuid().ToString("N");
        var notCaptured = "CANARY-NOTCAPTURED-" + Guid.NewGuid().ToString("N");

        var plain = await gw.TokenAsync("llm:openai/* data:public", "plain-task");
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gw, plain, notCaptured, stream));
        var capturing = await gw.TokenAsync("llm:openai/* data:public", "capture-me");
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gw, capturing, captured, stream));

        var requests = await gw.RecordsAsync("gateway.request");
        var responses = await gw.RecordsAsync("gateway.response", atLeast: 2);
        Assert.Null(Assert.Single(requests, r => r.TaskId == "plain-task").ContentHmac);
        Assert.Null(Assert.Single(responses, r => r.TaskId == "plain-task").ContentHmac);
        var request = Assert.Single(requests, r => r.TaskId == "capture-me");
        var response = Assert.Single(responses, r => r.TaskId == "capture-me");
        Assert.Equal("capture-task", request.RuleId);

        var protector = gw.Gateway.App.Services.GetRequiredService<AuditContentProtector>();
        Assert.Contains(captured, await protector.RevealAsync(request.ContentHmac!, default), StringComparison.Ordinal);
        Assert.Contains(captured, await protector.RevealAsync(response.ContentHmac!, default), StringComparison.Ordinal); // the fake echoes the prompt

        var files = gw.Gateway.ReadAllDataFiles();
        Assert.DoesNotContain(notCaptured, files, StringComparison.Ordinal);
        Assert.DoesNotContain(captured, files, StringComparison.Ordinal); // captured, but only encrypted
        Assert.DoesNotContain(notCaptured, gw.Gateway.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(captured, gw.Gateway.Logs.AllText, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await protector.PurgeExpiredAsync(default); // the background sweep may already have run on the advanced clock
        Assert.Null(await gw.Gateway.App.Services.GetRequiredService<IAuditContentStore>().GetContentAsync(request.ContentHmac!, default));
        Assert.Null(await gw.Gateway.App.Services.GetRequiredService<IAuditContentStore>().GetContentAsync(response.ContentHmac!, default));
        var verify = await new AuditVerifier(gw.Gateway.App.Services.GetRequiredService<IAuditStore>(), gw.Gateway.App.Services.GetRequiredService<AuditSigningKey>()).VerifyAsync(default);
        Assert.True(verify.IsValid, verify.Message);
    }

    private static async Task<HttpStatusCode> ChatAsync(PolicyGateway gw, string token, string text, bool stream)
    {
        using var client = gw.Gateway.CreateClient(token);
        using var response = await client.PostAsJsonAsync("v1/chat/completions", new { model = "gpt-4o-mini", stream, messages = new[] { new { role = "user", content = text } } });
        _ = await response.Content.ReadAsStringAsync();
        return response.StatusCode;
    }
}
