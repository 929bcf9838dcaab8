using Warden.Core.Identity;

namespace Warden.Core.Policy;

/// <summary>
/// One request to decide. <see cref="Action"/> names what is attempted (for example
/// <c>llm.chat</c>, <c>llm.embeddings</c>, <c>scrub</c>, <c>screen</c>, <c>scan</c>, <c>tool.call</c>, <c>admin.write</c>).
/// </summary>
public sealed record PolicyRequest(
    WardenPrincipal Principal,
    string Action,
    string? Provider = null,
    string? Model = null,
    string? Tool = null,
    IReadOnlyList<string>? DataClassifications = null,
    IReadOnlyDictionary<string, string>? Attributes = null,
    DateTimeOffset? Time = null);
