namespace Warden.Core.Screening;

/// <summary>The result of sanitizing untrusted content.</summary>
/// <param name="Text">What a human reader would see, with hiding places removed or neutralised.</param>
/// <param name="DetectionText">The sanitized text folded for detection (confusables mapped to Latin, lower noise).</param>
/// <param name="Findings">Every hiding place found, in discovery order.</param>
/// <param name="HiddenPayloads">Text recovered from hiding places (decoded tags, comments, hidden elements, blobs), screened separately.</param>
public sealed record SanitizedContent(
    string Text,
    string DetectionText,
    IReadOnlyList<ScreeningFinding> Findings,
    IReadOnlyList<HiddenPayload> HiddenPayloads);
