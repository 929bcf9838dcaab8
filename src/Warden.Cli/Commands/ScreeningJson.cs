using System.Text.Json.Serialization;
using Warden.Core.Screening;

namespace Warden.Cli.Commands;

internal sealed record JsonlInput(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("text")] string? Text);

internal sealed record JsonlInjection(
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("detected")] bool Detected);

internal sealed record JsonlOutput(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("injection")] JsonlInjection Injection);

internal sealed record JsonlErrorBody(
    [property: JsonPropertyName("line")] int Line,
    [property: JsonPropertyName("message")] string Message);

internal sealed record JsonlError(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("error")] JsonlErrorBody Error);

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
[JsonSerializable(typeof(JsonlInput))]
[JsonSerializable(typeof(JsonlOutput))]
[JsonSerializable(typeof(JsonlError))]
[JsonSerializable(typeof(ScreeningResponse))]
internal sealed partial class ScreeningJsonContext : JsonSerializerContext;
