namespace Warden.Gateway.Hosting;

/// <summary>
/// A model alias: callers ask for the alias name, Warden sends <see cref="Model"/> to
/// <see cref="Provider"/>, then tries <see cref="Fallbacks"/> in order (each <c>provider/model</c>).
/// </summary>
public sealed record ModelAliasOptions
{
    /// <summary>The provider name.</summary>
    public string Provider { get; init; } = "";

    /// <summary>The provider's model name (defaults to the alias).</summary>
    public string? Model { get; init; }

    /// <summary>Ordered fallbacks, each <c>provider/model</c>.</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];
}
