using Warden.Scanner;

namespace Warden.Gateway.Scanner;

/// <summary>
/// Limits for <c>POST /api/openclaw-scan</c>: the same <see cref="ScanOptions"/> the CLI uses (bound
/// from <c>Warden:Scanner</c>), plus how many scans may run at once. A request can only tighten
/// them, never loosen them.
/// </summary>
internal sealed record ScannerEndpointOptions
{
    public const string SectionName = "Warden:Scanner";

    /// <summary>The scan limits (defaults are the CLI's).</summary>
    public ScanOptions Limits { get; init; } = new();

    /// <summary>Scans running at the same time; more get 429.</summary>
    public int MaxConcurrentScans { get; init; } = 2;

    /// <summary>Largest request body accepted.</summary>
    public int MaxRequestBytes { get; init; } = 64 * 1024;
}
