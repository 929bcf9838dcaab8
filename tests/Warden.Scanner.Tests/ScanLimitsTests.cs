using Microsoft.Extensions.Time.Testing;
using Warden.Scanner.Probing;

namespace Warden.Scanner.Tests;

public sealed class ScanLimitsTests
{
    [Fact]
    public async Task RateLimiter_SpacesProbesByTheInterval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var limiter = new ProbeRateLimiter(2, time); // one probe every 500 ms
        await limiter.WaitAsync(CancellationToken.None); // first slot is now
        var second = limiter.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(0, "concurrency")]
    [InlineData(-1, "probe timeout")]
    public void Options_InvalidValues_AreReported(int value, string reason)
    {
        var options = value == 0 ? new ScanOptions { Concurrency = 0 } : new ScanOptions { ProbeTimeout = TimeSpan.FromSeconds(value) };
        Assert.Contains(options.Validate(), e => e.Contains(reason, StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new OpenClawScanner(options, TimeProvider.System));
    }

    [Fact]
    public async Task Deadline_CutsTheScanShort_AndSaysSo()
    {
        // 127.0.0.1 port 9 (discard) is closed on test machines; the deadline fires first anyway.
        var options = ScannerTestHelpers.FastOptions with { Deadline = TimeSpan.FromMilliseconds(1), ProbesPerSecond = 0.5 };
        var report = await ScannerTestHelpers.ScanAsync("127.0.0.0/30:9", options);
        Assert.True(report.DeadlineReached);

        // The first probe may fail on the closed port before the 1 ms deadline fires; the rate limit (one probe per
        // 2 s) guarantees the other host cannot be probed in time, so at least one host must say "deadline".
        Assert.Contains(report.Hosts, h => h.Errors.Any(e => e.Contains("deadline", StringComparison.Ordinal)));
        Assert.DoesNotContain(report.Hosts, h => h.Detected);
    }
}
