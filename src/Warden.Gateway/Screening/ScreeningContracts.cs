using System.Text.Json.Serialization;
using Warden.Core.Screening;

namespace Warden.Gateway.Screening;

internal sealed record ScreenRequest(
    [property: JsonPropertyName("content")] string? Content,
    [property: JsonPropertyName("content_type")] string? ContentType,
    [property: JsonPropertyName("source")] string? Source,
    [property: JsonPropertyName("mode")] string? Mode);

internal sealed record ScreenFinding(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("length")] int Length,
    [property: JsonPropertyName("detail")] string Detail);

internal sealed record ScreenSignal(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("score")] double Score);

internal sealed record ScreenResponse(
    [property: JsonPropertyName("sanitized_content")] string SanitizedContent,
    [property: JsonPropertyName("spotlighted_content")] string SpotlightedContent,
    [property: JsonPropertyName("spotlight_mode")] string SpotlightMode,
    [property: JsonPropertyName("system_prompt")] string SystemPrompt,
    [property: JsonPropertyName("findings")] IReadOnlyList<ScreenFinding> Findings,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("decision")] string Decision,
    [property: JsonPropertyName("detected")] bool Detected,
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("signals")] IReadOnlyList<ScreenSignal> Signals)
{
    public static ScreenResponse From(ScreeningResult r, double threshold) => new(
        r.Sanitized.Text,
        r.Spotlighted.Content,
        r.Spotlighted.Mode == Core.Screening.SpotlightMode.Datamark ? "datamark" : "delimit",
        r.Spotlighted.SystemPrompt,
        [.. r.Sanitized.Findings.Select(f => new ScreenFinding(ToSnake(f.Kind), f.Offset, f.Length, f.Detail))],
        Math.Round(r.Injection.Score, 6),
        r.Injection.Detected ? "injection" : "clean",
        r.Injection.Detected,
        threshold,
        [.. r.Injection.Signals.Select(s => new ScreenSignal(s.Id, Math.Round(s.Score, 6)))]);

    private static string ToSnake(FindingKind kind)
    {
        var name = kind.ToString();
        var sb = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScreenRequest))]
[JsonSerializable(typeof(ScreenResponse))]
internal sealed partial class ScreeningJsonContext : JsonSerializerContext;
