namespace Warden.Scanner;

/// <summary>
/// Limits for one scan, shared by <c>warden scan</c> and <c>POST /api/openclaw-scan</c>.
/// An immutable snapshot, validated whole by <see cref="Validate"/>.
/// </summary>
internal sealed record ScanOptions
{
    /// <summary>The documented OpenClaw gateway port.</summary>
    public const int OpenClawDefaultPort = 18789;

    /// <summary>Per-probe timeout (one HTTP request, or one WebSocket handshake).</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many hosts are scanned at the same time.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Largest number of addresses one CIDR range may expand to (default 256, a /24).</summary>
    public int MaxHosts { get; init; } = 256;

    /// <summary>Deadline for the whole scan; hosts not finished by then are reported as cut short.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Probe rate limit across the whole scan (requests and handshakes per second).</summary>
    public double ProbesPerSecond { get; init; } = 50;

    /// <summary>How long to wait for the gateway's unsolicited first WebSocket frame (the pre-connect challenge).</summary>
    public TimeSpan FirstFrameWait { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>Ports tried, in order, for a bare host or a range: OpenClaw's default first.</summary>
    public IReadOnlyList<int> Ports { get; init; } = [OpenClawDefaultPort, 443, 80, 8080];

    /// <summary>Base paths tried on each port for a bare host or a range (the Control UI base path is configurable).</summary>
    public IReadOnlyList<string> BasePaths { get; init; } = ["/", "/openclaw/"];

    /// <summary>Addresses the scan may connect to (enforced at connect time too).</summary>
    public Targets.TargetNetworkPolicy Networks { get; init; } = Targets.TargetNetworkPolicy.Unrestricted;

    /// <summary>Largest number of targets (after expansion) one scan accepts.</summary>
    public int MaxTargets { get; init; } = 4096;

    /// <summary>Returns every problem with these options (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ProbeTimeout <= TimeSpan.Zero || ProbeTimeout > TimeSpan.FromMinutes(2))
        {
            errors.Add("probe timeout must be between 1 ms and 2 min");
        }

        if (Concurrency is < 1 or > 256)
        {
            errors.Add("concurrency must be between 1 and 256");
        }

        if (MaxHosts is < 1 or > 65536)
        {
            errors.Add("max hosts must be between 1 and 65536");
        }

        if (Deadline <= TimeSpan.Zero || Deadline > TimeSpan.FromHours(6))
        {
            errors.Add("deadline must be between 1 ms and 6 h");
        }

        if (!(ProbesPerSecond > 0 && ProbesPerSecond <= 10_000))
        {
            errors.Add("probe rate must be between 0 and 10000 per second");
        }

        if (FirstFrameWait < TimeSpan.Zero || FirstFrameWait > ProbeTimeout)
        {
            errors.Add("first-frame wait must be between 0 and the probe timeout");
        }

        if (Ports.Count == 0 || Ports.Any(p => p is < 1 or > 65535))
        {
            errors.Add("ports must be between 1 and 65535");
        }

        if (BasePaths.Count == 0 || BasePaths.Any(p => !p.StartsWith('/') || p.Contains("..", StringComparison.Ordinal)))
        {
            errors.Add("base paths must start with '/'");
        }

        if (MaxTargets is < 1 or > 65536)
        {
            errors.Add("max targets must be between 1 and 65536");
        }

        return errors;
    }
}
