using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Audit;
using Warden.Gateway.Hosting;
using Warden.Gateway.Proxy;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>
/// The end user's id in a body (OpenAI <c>user</c>/<c>safety_identifier</c>, Anthropic <c>metadata.user_id</c>) is egress
/// hygiene, scrubbing on or off: stripped by default, an HMAC under Warden's key with <c>EndUserId: hash</c>, as sent only
/// with <c>EndUserId: pass</c>; across translation too (<c>user</c> ↔ <c>metadata.user_id</c>).
/// </summary>
public sealed class EndUserIdTests
{
    private const string UserId = "user-77812-jane";

    [Theory]
    [InlineData(null, "v1/chat/completions", "gpt-4o-mini")]
    [InlineData("hash", "v1/chat/completions", "gpt-4o-mini")]
    [InlineData("pass", "v1/chat/completions", "gpt-4o-mini")]
    [InlineData(null, "v1/chat/completions", "claude-sonnet-4-5")]
    [InlineData("hash", "v1/chat/completions", "claude-sonnet-4-5")]
    [InlineData("pass", "v1/chat/completions", "claude-sonnet-4-5")]
    [InlineData(null, "v1/messages", "claude-sonnet-4-5")]
    [InlineData("hash", "v1/messages", "claude-sonnet-4-5")]
    [InlineData("pass", "v1/messages", "claude-sonnet-4-5")]
    [InlineData("strip", "v1/messages", "gpt-4o-mini")]
    [InlineData("hash", "v1/messages", "gpt-4o-mini")]
    [InlineData(null, "api/proxy", "gpt-4o-mini")]
    [InlineData("hash", "v1/embeddings", "gpt-4o-mini")]
    [InlineData(null, "v1/embeddings", "gpt-4o-mini")]
    public async Task EndUserId_PerProviderMode_ProviderGetsWhatItSays(string? mode, string path, string model)
    {
        foreach (var scrub in new[] { false, true })
        {
            await using var openai = await FakeProvider.StartAsync("openai");
            await using var anthropic = await FakeProvider.StartAsync("anthropic");
            var settings = ProxySettings.For(openai, anthropic);
            if (mode is not null)
            {
                settings["Warden:Providers:openai:EndUserId"] = mode;
                settings["Warden:Providers:anthropic:EndUserId"] = mode;
            }

            settings["Warden:Providers:openai:RequireScrub"] = scrub ? "true" : "false";
            settings["Warden:Providers:anthropic:RequireScrub"] = scrub ? "true" : "false";
            await using var gw = await GatewayFixture.StartAsync(settings);
            using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
            using var response = await client.PostAsync(path, new StringContent(Body(path, model), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            var provider = model.StartsWith("claude", StringComparison.Ordinal) ? anthropic : openai;
            var sent = provider.Requests.Single();
            var received = provider == anthropic ? sent.Json["metadata"]?["user_id"] : sent.Json["user"] ?? sent.Json["safety_identifier"];
            var hash = new EndUserIdHasher(gw.App.Services.GetRequiredService<AuditContentKeys>()).Hash(UserId);
            switch (mode)
            {
                case "hash":
                    Assert.Equal(hash, (string?)received);
                    Assert.DoesNotContain(UserId, sent.Body, StringComparison.Ordinal);
                    break;
                case "pass":
                    Assert.Equal(UserId, (string?)received);
                    break;
                default:
                    Assert.Null(received);
                    Assert.DoesNotContain(UserId, sent.Body, StringComparison.Ordinal);
                    Assert.DoesNotContain("\"user\":", sent.Body, StringComparison.Ordinal);
                    Assert.DoesNotContain("safety_identifier", sent.Body, StringComparison.Ordinal);
                    Assert.DoesNotContain("user_id", sent.Body, StringComparison.Ordinal);
                    break;
            }
        }
    }

    [Fact]
    public async Task EndUserId_Hash_SameUserSameValue_AcrossRequests_OtherUserOther()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        var settings = ProxySettings.For(openai);
        settings["Warden:Providers:openai:EndUserId"] = "hash";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        foreach (var id in new[] { UserId, UserId, "someone-else" })
        {
            using var r = await client.PostAsync("v1/chat/completions", new StringContent(Body("v1/chat/completions", "gpt-4o-mini").Replace(UserId, id, StringComparison.Ordinal), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        var seen = openai.Requests.Select(r => (string?)r.Json["user"]).ToList();
        Assert.Equal(seen[0], seen[1]);
        Assert.NotEqual(seen[0], seen[2]);
        Assert.Equal(seen[0], (string?)openai.Requests.First().Json["safety_identifier"]);
    }

    [Fact]
    public async Task EndUserId_UnknownMode_RefusedAtStart()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        var settings = ProxySettings.For(openai);
        settings["Warden:Providers:openai:EndUserId"] = "sha256";
        var ex = await Assert.ThrowsAsync<WardenConfigurationException>(() => GatewayFixture.StartAsync(settings));
        Assert.Contains("EndUserId", ex.Message, StringComparison.Ordinal);
    }

    private static string Body(string path, string model) => path switch
    {
        "v1/messages" => $$"""{"model":"{{model}}","max_tokens":16,"metadata":{"user_id":"{{UserId}}"},"messages":[{"role":"user","content":"hello"}]}""",
        "v1/embeddings" => $$"""{"model":"{{model}}","input":"hello","user":"{{UserId}}"}""",
        "api/proxy" => $$"""{"provider":"openai","model":"{{model}}","user":"{{UserId}}","messages":[{"role":"user","content":"hello"}]}""",
        _ => $$"""{"model":"{{model}}","user":"{{UserId}}","safety_identifier":"{{UserId}}","messages":[{"role":"user","content":"hello"}]}""",
    };
}
