namespace Warden.Gateway.Proxy;

/// <summary>Which drop-in endpoint a request came in on.</summary>
internal enum ApiKind
{
    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    OpenAIChat,

    /// <summary><c>POST /v1/messages</c>.</summary>
    AnthropicMessages,

    /// <summary><c>POST /api/proxy</c>: OpenAI-shaped body plus <c>provider</c> and <c>scrub</c>.</summary>
    UnifiedProxy,

    /// <summary><c>POST /v1/embeddings</c>.</summary>
    Embeddings,
}
