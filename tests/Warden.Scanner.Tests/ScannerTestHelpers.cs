using Warden.Scanner.Findings;
using Warden.Scanner.Targets;

namespace Warden.Scanner.Tests;

internal static class ScannerTestHelpers
{
    /// <summary>Short limits so tests finish quickly; loopback only.</summary>
    public static ScanOptions FastOptions { get; } = new()
    {
        ProbeTimeout = TimeSpan.FromSeconds(5),
        FirstFrameWait = TimeSpan.FromMilliseconds(400),
        ProbesPerSecond = 1000,
        Deadline = TimeSpan.FromMinutes(1),
    };

    public static async Task<ScanReport> ScanAsync(string target, ScanOptions? options = null)
    {
        options ??= FastOptions;
        using var scanner = new OpenClawScanner(options, TimeProvider.System);
        return await scanner.ScanAsync(TargetParser.ParseAll([target], options), progress: null, CancellationToken.None);
    }
}
