namespace Warden.Core.Screening;

/// <summary>One reason behind an injection score.</summary>
/// <param name="Id">Stable id: <c>rule.*</c>, <c>classifier</c> or <c>hidden.*</c>.</param>
/// <param name="Score">The signal's own probability-like contribution in [0, 1].</param>
/// <param name="Offset">UTF-16 offset of the evidence in the screened text, or -1 for a hidden payload.</param>
/// <param name="Length">Length of the evidence.</param>
public sealed record InjectionSignal(string Id, double Score, int Offset, int Length);
