using System.ClientModel;
using System.Text;
using Anthropic.Models.Messages;
using Microsoft.AspNetCore.Http;
using OpenAI.Chat;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Proxy;

/// <summary>Errors as the official SDKs see them.</summary>
public sealed class SdkErrorTests
{
    [Fact]
    public async Task OpenAISdk_UnknownModel_404_BadKey_401()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(openai));
        var key = await gw.CreateAgentKeyAsync("a");
        var notFound = await Assert.ThrowsAsync<ClientResultException>(() => Sdk.OpenAIChat(gw, key, "gpt-nope").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, notFound.Status);
        var unauthorized = await Assert.ThrowsAsync<ClientResultException>(() => Sdk.OpenAIChat(gw, "wrong", "gpt-4o-mini").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(401, unauthorized.Status);
        Assert.Empty(openai.Requests);
    }

    [Fact]
    public async Task AnthropicSdk_UnknownModel_404_BadKey_401()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(anthropic: anthropic));
        var key = await gw.CreateAgentKeyAsync("a");
        var notFound = await Assert.ThrowsAnyAsync<Anthropic.Exceptions.AnthropicApiException>(() => Sdk.Anthropic(gw, key).Messages.Create(new MessageCreateParams
        {
            Model = "claude-nope",
            MaxTokens = 10,
            Messages = [new UserMessageParam("hi")],
        }));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, notFound.StatusCode);
        var unauthorized = await Assert.ThrowsAnyAsync<Anthropic.Exceptions.AnthropicApiException>(() => Sdk.Anthropic(gw, "wrong").Messages.Create(new MessageCreateParams
        {
            Model = "claude-sonnet-4-5",
            MaxTokens = 10,
            Messages = [new UserMessageParam("hi")],
        }));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Empty(anthropic.Requests);
    }

    [Fact]
    public async Task AnthropicProviderErrorEventMidStream_ReachesOpenAICallerAsErrorChunk()
    {
        await using var anthropic = await FakeProvider.StartAsync("anthropic");
        anthropic.Respond = async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\",\"usage\":{\"input_tokens\":3}}}\n\n");
            await ctx.Response.WriteAsync("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"partial\"}}\n\n");
            await ctx.Response.WriteAsync("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
        };
        await using var gw = await GatewayFixture.StartAsync(ProxySettings.For(anthropic: anthropic));
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"claude-sonnet-4-5","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"content\":\"partial\"", text, StringComparison.Ordinal);
        Assert.Contains("Overloaded", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
    }
}
