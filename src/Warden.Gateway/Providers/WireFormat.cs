namespace Warden.Gateway.Providers;

/// <summary>An LLM API dialect.</summary>
internal enum WireFormat
{
    /// <summary>OpenAI Chat Completions.</summary>
    OpenAI,

    /// <summary>Anthropic Messages.</summary>
    Anthropic,
}
