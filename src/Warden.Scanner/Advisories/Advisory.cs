using Warden.Scanner.Findings;
using Warden.Scanner.Versioning;

namespace Warden.Scanner.Advisories;

/// <summary>One row of the advisory table (<c>openclaw-advisories.json</c>).</summary>
internal sealed record Advisory(
    string Id,
    IReadOnlyList<string> Aliases,
    string Title,
    Severity Severity,
    string? Cvss,
    OpenClawVersion? Introduced,
    OpenClawVersion? Fixed,
    bool Confirmed,
    string Remediation,
    IReadOnlyList<string> References)
{
    /// <summary>True when <paramref name="version"/> is in [Introduced, Fixed). Unconfirmed rows never match.</summary>
    public bool Affects(OpenClawVersion version)
    {
        if (!Confirmed || Fixed is null)
        {
            return false;
        }

        return version < Fixed && (Introduced is null || version >= Introduced);
    }

    /// <summary>
    /// True when every version before <paramref name="exclusiveUpperBound"/> is affected, which is what
    /// a "likely" verdict from branding needs: the release is only known to be older than that bound.
    /// </summary>
    public bool AffectsAllBefore(OpenClawVersion exclusiveUpperBound) =>
        Confirmed && Fixed is not null && Introduced is null && exclusiveUpperBound <= Fixed;
}
