namespace Warden.Gateway.Tests.Infrastructure;

/// <summary>Settings for a gateway in front of fake providers.</summary>
public static class ProxySettings
{
    public const string OpenAIKeyCanary = "sk-openai-CANARY-7f3a9c1e5b";
    public const string AnthropicKeyCanary = "sk-ant-CANARY-2d8e4f6a0c";

    public static Dictionary<string, string?> For(FakeProvider? openai = null, FakeProvider? anthropic = null)
    {
        var s = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Warden:EgressAllowlist:0"] = "127.0.0.1",
        };
        if (openai is not null)
        {
            s["Warden:Providers:openai:Type"] = "openai";
            s["Warden:Providers:openai:BaseUrl"] = openai.BaseUrl + "/v1";
            s["Warden:Providers:openai:ApiKey"] = OpenAIKeyCanary;
            s["Warden:Providers:openai:Models:0"] = "gpt-4o-mini";
        }

        if (anthropic is not null)
        {
            s["Warden:Providers:anthropic:Type"] = "anthropic";
            s["Warden:Providers:anthropic:BaseUrl"] = anthropic.BaseUrl + "/v1";
            s["Warden:Providers:anthropic:ApiKey"] = AnthropicKeyCanary;
            s["Warden:Providers:anthropic:Models:0"] = "claude-sonnet-4-5";
        }

        return s;
    }

    /// <summary><see cref="For"/> with <c>RequireScrub</c> on for every provider given.</summary>
    public static Dictionary<string, string?> Scrubbing(FakeProvider? openai = null, FakeProvider? anthropic = null)
    {
        var s = For(openai, anthropic);
        if (openai is not null)
        {
            s["Warden:Providers:openai:RequireScrub"] = "true";
        }

        if (anthropic is not null)
        {
            s["Warden:Providers:anthropic:RequireScrub"] = "true";
        }

        return s;
    }
}
