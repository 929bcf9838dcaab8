namespace Warden.Gateway.Providers;

/// <summary>One upstream LLM provider.</summary>
public sealed record ProviderOptions
{
    /// <summary>openai, anthropic, groq, azure-openai, openai-compatible or echo.</summary>
    public string Type { get; init; } = "";

    /// <summary>Base URL (defaults per type: https://api.openai.com/v1, https://api.anthropic.com/v1, https://api.groq.com/openai/v1).</summary>
    public string? BaseUrl { get; init; }

    /// <summary>
    /// The provider key. Read once at start-up (use <c>WARDEN__PROVIDERS__NAME__APIKEY</c> or
    /// <c>warden providers set-key</c>), then held only encrypted at rest. Never logged or returned.
    /// </summary>
    public string? ApiKey { get; init; }

    /// <summary>Models this provider serves under their own name (callers may also use <c>provider/model</c>).</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>
    /// Agent names allowed to use this provider (<c>*</c> = every agent). Unset = every authenticated agent;
    /// an explicit list allows only those agents (the policy engine can narrow further).
    /// </summary>
    public IReadOnlyList<string>? Agents { get; init; }

    /// <summary>Extra headers the organisation chooses to send (e.g. <c>OpenAI-Organization</c>). Nothing else of the caller is forwarded.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Optional forward proxy (HTTP CONNECT), e.g. <c>http://proxy.internal:3128</c>.</summary>
    public string? ForwardProxy { get; init; }

    /// <summary>TCP/TLS connect timeout, seconds.</summary>
    public double ConnectTimeoutSeconds { get; init; } = 10;

    /// <summary>Time to response headers (first byte), seconds.</summary>
    public double FirstByteTimeoutSeconds { get; init; } = 60;

    /// <summary>Whole-exchange timeout including a streamed answer, seconds.</summary>
    public double TotalTimeoutSeconds { get; init; } = 600;

    /// <summary>Every request to this provider must be scrubbed; refused when no pseudonymizer is available.</summary>
    public bool RequireScrub { get; init; }

    /// <summary>Azure OpenAI <c>api-version</c>.</summary>
    public string ApiVersion { get; init; } = "2024-10-21";

    /// <summary>Anthropic <c>anthropic-version</c>.</summary>
    public string AnthropicVersion { get; init; } = "2023-06-01";

    /// <summary>Anthropic needs max_tokens; used when an OpenAI-shaped request has none.</summary>
    public int DefaultMaxTokens { get; init; } = 4096;

    /// <summary>
    /// What this provider gets of the end-user id in a request body (OpenAI <c>user</c> and <c>safety_identifier</c>,
    /// Anthropic <c>metadata.user_id</c>): <c>strip</c> (default, removed), <c>hash</c> (HMAC-SHA256 under a Warden-held
    /// key: stable per user for the provider's abuse tracking, not the id) or <c>pass</c> (as sent). Scrubbing on or off.
    /// </summary>
    public string EndUserId { get; init; } = "strip";

    internal Proxy.EndUserIdMode EndUserIdMode => EndUserId.ToUpperInvariant() switch
    {
        "HASH" => Proxy.EndUserIdMode.Hash,
        "PASS" => Proxy.EndUserIdMode.Pass,
        _ => Proxy.EndUserIdMode.Strip, // validated: only "strip" gets here
    };
}
