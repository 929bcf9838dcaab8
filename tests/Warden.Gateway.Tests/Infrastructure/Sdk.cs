using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Anthropic.Core;
using OpenAI;
using OpenAI.Chat;

namespace Warden.Gateway.Tests.Infrastructure;

/// <summary>The official SDKs, pointed at Warden, with their own retries off (so tests see Warden's behaviour).</summary>
public static class Sdk
{
    public static ChatClient OpenAIChat(GatewayFixture gw, string key, string model) =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(gw.BaseAddress, "v1"),
            RetryPolicy = new ClientRetryPolicy(0),
            UserAgentApplicationId = "client-app-canary",
        });

    public static OpenAIClient OpenAI(GatewayFixture gw, string key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(gw.BaseAddress, "v1"), RetryPolicy = new ClientRetryPolicy(0) });

    public static AnthropicClient Anthropic(GatewayFixture gw, string key) =>
        new(new ClientOptions { ApiKey = key, BaseUrl = gw.BaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 });
}
