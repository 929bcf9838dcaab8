namespace Warden.Scanner.Findings;

/// <summary>A whole scan.</summary>
internal sealed record ScanReport
{
    public required string ScannerVersion { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    public required IReadOnlyList<HostResult> Hosts { get; init; }

    /// <summary>True when the overall deadline cut the scan short.</summary>
    public bool DeadlineReached { get; init; }

    /// <summary>All findings across hosts.</summary>
    public IEnumerable<Finding> AllFindings => Hosts.SelectMany(h => h.Findings);

    /// <summary>Highest severity across hosts, or null when nothing was found.</summary>
    public Severity? Highest => Hosts.Select(h => h.Highest).Where(s => s is not null).DefaultIfEmpty(null).Max();

    /// <summary>Exit code for pipelines.</summary>
    public int ExitCode => SeverityNames.ExitCode(Highest);
}
