namespace Warden.Core.Screening;

/// <summary>
/// One hiding place the sanitizer found and neutralised.
/// </summary>
/// <param name="Kind">What was found.</param>
/// <param name="Offset">UTF-16 offset in the text of the stage that found it (the raw input for HTML findings).</param>
/// <param name="Length">UTF-16 length of the removed or rewritten region in that text.</param>
/// <param name="Detail">Short description (element, host, character count); never the hidden text itself.</param>
public sealed record ScreeningFinding(FindingKind Kind, int Offset, int Length, string Detail);
