namespace Warden.Core.Identity;

/// <summary>What a scope names: a provider/model, a tool, or a data classification tag.</summary>
public enum ScopeKind
{
    /// <summary><c>llm:provider/model</c>.</summary>
    Llm,

    /// <summary><c>tool:name</c>.</summary>
    Tool,

    /// <summary><c>data:tag</c>.</summary>
    Data,
}
