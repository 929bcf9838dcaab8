namespace Warden.Gateway.Errors;

/// <summary>The error body a caller understands.</summary>
internal enum ErrorShape
{
    /// <summary>RFC 9457 <c>application/problem+json</c>.</summary>
    Problem,

    /// <summary><c>{"error":{"message","type","param","code"}}</c>.</summary>
    OpenAI,

    /// <summary><c>{"type":"error","error":{"type","message"}}</c>.</summary>
    Anthropic,
}
