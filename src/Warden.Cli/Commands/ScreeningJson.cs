using System.Text.Json.Serialization;
using Warden.Core.Screening;

namespace Warden.Cli.Commands;

internal sealed record ScreeningResponse(
    string Sanitized,
    string Spotlighted,
    string SystemPrompt,
    IReadOnlyList<ScreeningFinding> Findings,
    double Score,
    bool Detected,
    IReadOnlyList<InjectionSignal> Signals);

/// <summary>Maps a <see cref="ScreeningResult"/> to the CLI's JSON output.</summary>
internal static class ScreeningJson
{
    public static ScreeningResponse From(ScreeningResult r) => new(
        r.Sanitized.Text,
        r.Spotlighted.Content,
        r.Spotlighted.SystemPrompt,
        r.Sanitized.Findings,
        Math.Round(r.Injection.Score, 6),
        r.Injection.Detected,
        r.Injection.Signals);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScreeningResponse))]
internal sealed partial class ScreeningJsonContext : JsonSerializerContext;
