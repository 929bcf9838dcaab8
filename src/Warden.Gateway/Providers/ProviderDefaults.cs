namespace Warden.Gateway.Providers;

/// <summary>Per-type defaults.</summary>
internal static class ProviderDefaults
{
    public static string? BaseUrl(ProviderOptions p) => p.BaseUrl ?? p.Type switch
    {
        "openai" => "https://api.openai.com/v1",
        "anthropic" => "https://api.anthropic.com/v1",
        "groq" => "https://api.groq.com/openai/v1",
        _ => null,
    };

    /// <summary>The wire format the provider speaks.</summary>
    public static WireFormat Format(ProviderOptions p) => p.Type switch
    {
        "anthropic" => WireFormat.Anthropic,
        _ => WireFormat.OpenAI,
    };
}
