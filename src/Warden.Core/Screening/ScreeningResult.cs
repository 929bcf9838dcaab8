namespace Warden.Core.Screening;

/// <summary>Everything screening produced for one piece of untrusted content.</summary>
/// <param name="Sanitized">Sanitized text, findings and hidden payloads.</param>
/// <param name="Spotlighted">The sanitized text marked as data, with its system-prompt explanation.</param>
/// <param name="Injection">The injection score, decision and signals.</param>
public sealed record ScreeningResult(SanitizedContent Sanitized, SpotlightedContent Spotlighted, InjectionAssessment Injection);
