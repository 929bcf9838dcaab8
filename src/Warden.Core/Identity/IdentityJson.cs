using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Core.Identity;

/// <summary>Source-generated JSON for scope lists (rights, ceilings) kept in stores.</summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;

/// <summary>Scope lists to and from their stored JSON form.</summary>
public static class ScopeListJson
{
    /// <summary>Serializes a scope list.</summary>
    public static string Write(IReadOnlyList<string> scopes) => JsonSerializer.Serialize(scopes.ToArray(), IdentityJsonContext.Default.StringArray);

    /// <summary>Parses a stored scope list (null or empty text is the empty list; bad JSON throws <see cref="JsonException"/>).</summary>
    public static IReadOnlyList<string> Read(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, IdentityJsonContext.Default.StringArray) ?? [];
}
