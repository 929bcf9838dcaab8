using System.Net;
using System.Text;

namespace Warden.Gateway.Tests.Policy;

/// <summary>
/// <c>Warden:Policy:ClassifyWithDetection</c> end to end: the detection engine tags a prompt <c>pii</c> or <c>secret</c>,
/// and a base64 payload (image, audio, file: content detection does not read) tags it <c>media</c>, so a policy rule can
/// keep such requests from a provider and a task token needs the matching <c>data:</c> scope. Without the switch no tag
/// is added.
/// </summary>
public sealed class ProxyClassificationTests
{
    private const string Rules = """
        rules:
          - id: allow-chat
            effect: allow
            actions: [llm.chat]
          - id: no-pii-to-openai
            effect: deny
            when: resource.provider == "openai" && "pii" in resource.data
          - id: no-media-to-openai
            effect: deny
            when: resource.provider == "openai" && "media" in resource.data
        """;

    private static readonly string Png = "data:image/png;base64," + Convert.ToBase64String(new byte[96]);

    public static TheoryData<string, string?> Cases => new()
    {
        // content of the user message (a JSON value), rule expected to deny (null: forwarded)
        { "\"What is two plus two?\"", null },
        { "\"Write to jane.doe@example.com about the invoice\"", "no-pii-to-openai" },
        { $$$"""[{"type":"text","text":"describe"},{"type":"image_url","image_url":{"url":"{{{Png}}}"}}]""", "no-media-to-openai" },
        // An escaped slash must not hide the payload from the tag (the provider reads the unescaped value).
        { $$$"""[{"type":"image_url","image_url":{"url":"{{{Png.Replace("/", "\\/", StringComparison.Ordinal)}}}"}}]""", "no-media-to-openai" },
        { $$$"""[{"type":"input_audio","input_audio":{"data":"{{{Convert.ToBase64String(new byte[120])}}}","format":"wav"}}]""", "no-media-to-openai" },
        // An http image URL is text the provider fetches, not a payload Warden forwards unread.
        { """[{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]""", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ClassifyWithDetection_PromptContent_TaggedAndDecidedByPolicy(string content, string? deniedBy)
    {
        await using var gw = await PolicyGateway.StartAsync(Rules, new Dictionary<string, string?> { ["Warden:Policy:ClassifyWithDetection"] = "true" });
        using var response = await SendAsync(gw, await gw.TokenAsync("llm:openai/* data:pii data:media", "t-classify"), content);
        var body = await response.Content.ReadAsStringAsync();
        if (deniedBy is null)
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            Assert.Single(gw.OpenAI.Requests);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains(deniedBy, body, StringComparison.Ordinal);
            Assert.Empty(gw.OpenAI.Requests);
            Assert.Equal(deniedBy, Assert.Single(await gw.RecordsAsync("policy.decision")).RuleId);
        }
    }

    [Fact]
    public async Task ClassifyWithDetection_TaskTokenWithoutDataScope_DeniedByTaskScope()
    {
        await using var gw = await PolicyGateway.StartAsync(Rules, new Dictionary<string, string?> { ["Warden:Policy:ClassifyWithDetection"] = "true" });
        var token = await gw.TokenAsync("llm:anthropic/*", "t-noscope");
        using var media = await SendAsync(gw, token, $$$"""[{"type":"image_url","image_url":{"url":"{{{Png}}}"}}]""", "claude-sonnet-4-5");
        Assert.Equal(HttpStatusCode.Forbidden, media.StatusCode);
        Assert.Contains("data:media", await media.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var secret = await SendAsync(gw, token, "\"deploy with AKIAIOSFODNN7EXAMPLE\"", "claude-sonnet-4-5");
        Assert.Equal(HttpStatusCode.Forbidden, secret.StatusCode);
        Assert.Contains("data:secret", await secret.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(gw.Anthropic.Requests);
    }

    [Fact]
    public async Task ClassificationOff_MediaAndPii_NotTagged()
    {
        await using var gw = await PolicyGateway.StartAsync(Rules);
        var token = await gw.TokenAsync("llm:openai/*", "t-off");
        using var media = await SendAsync(gw, token, $$$"""[{"type":"text","text":"jane.doe@example.com"},{"type":"image_url","image_url":{"url":"{{{Png}}}"}}]""");
        Assert.Equal(HttpStatusCode.OK, media.StatusCode);
        Assert.Single(gw.OpenAI.Requests);
    }

    private static async Task<HttpResponseMessage> SendAsync(PolicyGateway gw, string token, string content, string model = "gpt-4o-mini")
    {
        using var client = gw.Gateway.CreateClient(token);
        return await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"{{model}}","max_tokens":16,"messages":[{"role":"user","content":{{content}}}]}""", Encoding.UTF8, "application/json"));
    }
}
