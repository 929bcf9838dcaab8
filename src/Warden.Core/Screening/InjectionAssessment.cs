namespace Warden.Core.Screening;

/// <summary>The detector's verdict.</summary>
/// <param name="Score">How likely the content carries injected instructions, in [0, 1].</param>
/// <param name="Detected">Whether <see cref="Score"/> reached the configured threshold.</param>
/// <param name="Signals">The signals behind the score, strongest first.</param>
public sealed record InjectionAssessment(double Score, bool Detected, IReadOnlyList<InjectionSignal> Signals);
