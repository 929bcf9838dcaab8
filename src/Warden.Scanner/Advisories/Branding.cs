using Warden.Scanner.Versioning;

namespace Warden.Scanner.Advisories;

/// <summary>A former product name whose presence in the Control UI bounds the release ("likely").</summary>
internal sealed record Branding(string Brand, IReadOnlyList<string> Markers, OpenClawVersion LikelyBefore, string Why);
