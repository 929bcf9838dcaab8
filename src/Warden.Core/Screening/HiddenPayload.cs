namespace Warden.Core.Screening;

/// <summary>Text recovered from a hiding place so the detector can screen it.</summary>
/// <param name="Kind">Where it was hidden.</param>
/// <param name="Text">The recovered text (bounded by <see cref="SanitizerOptions.MaxPayloadChars"/>).</param>
public sealed record HiddenPayload(FindingKind Kind, string Text);
