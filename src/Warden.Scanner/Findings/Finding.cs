namespace Warden.Scanner.Findings;

/// <summary>One finding about one scanned endpoint.</summary>
/// <param name="Id">Stable check id, e.g. <c>OC-WS-NOAUTH</c> or <c>OC-ADV-CVE-2026-25253</c>.</param>
/// <param name="Severity">Severity.</param>
/// <param name="Title">One-line title.</param>
/// <param name="Target">The endpoint URL the finding is about.</param>
/// <param name="Detail">Why the scanner concluded this (including "likely" reasoning).</param>
/// <param name="EvidenceIds">Ids of the <see cref="Evidence"/> records that support it.</param>
/// <param name="Remediation">What to do.</param>
/// <param name="References">Public sources (advisories, documentation).</param>
/// <param name="Confidence"><c>confirmed</c> (observed) or <c>likely</c> (inferred from branding/assets).</param>
internal sealed record Finding(
    string Id,
    Severity Severity,
    string Title,
    string Target,
    string Detail,
    IReadOnlyList<string> EvidenceIds,
    string Remediation,
    IReadOnlyList<string> References,
    string Confidence = "confirmed");
