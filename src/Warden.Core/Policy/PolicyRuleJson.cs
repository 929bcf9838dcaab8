using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Core.Policy;

/// <summary>How stores serialise a <see cref="PolicyRuleDefinition"/> (snake_case, nulls omitted).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PolicyRuleDefinition))]
public sealed partial class PolicyRuleJson : JsonSerializerContext
{
    /// <summary>Serialises a rule.</summary>
    public static string Serialize(PolicyRuleDefinition rule) => JsonSerializer.Serialize(rule, Default.PolicyRuleDefinition);

    /// <summary>Reads a stored rule.</summary>
    public static PolicyRuleDefinition Deserialize(string json) =>
        JsonSerializer.Deserialize(json, Default.PolicyRuleDefinition) ?? throw new JsonException("empty rule");
}
