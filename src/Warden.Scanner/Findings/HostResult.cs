namespace Warden.Scanner.Findings;

/// <summary>The result for one scanned target (host or URL).</summary>
internal sealed record HostResult
{
    /// <summary>What the user named (or the address expanded from a range).</summary>
    public required string Input { get; init; }

    /// <summary>The endpoint where OpenClaw was found, or the last one tried.</summary>
    public required string Endpoint { get; init; }

    /// <summary>True when an OpenClaw (Clawdbot, Moltbot) gateway was fingerprinted.</summary>
    public bool Detected { get; init; }

    /// <summary>Brand seen (<c>OpenClaw</c>, <c>Clawdbot</c>, <c>Moltbot</c>), when known.</summary>
    public string? Brand { get; init; }

    /// <summary>Version, when the instance exposed it or it could be inferred.</summary>
    public string? Version { get; init; }

    /// <summary>Where the version came from, and whether it is exact or <c>likely</c>.</summary>
    public string? VersionSource { get; init; }

    /// <summary>Findings, most severe first.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>Every probe made for this target.</summary>
    public IReadOnlyList<Evidence> Evidence { get; init; } = [];

    /// <summary>Errors that prevented part of the scan (timeouts, refused connections).</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Highest severity among findings, or null.</summary>
    public Severity? Highest => Findings.Count == 0 ? null : Findings.Max(f => f.Severity);
}
