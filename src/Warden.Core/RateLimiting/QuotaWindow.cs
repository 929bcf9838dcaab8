namespace Warden.Core.RateLimiting;

/// <summary>Epoch-aligned fixed windows.</summary>
public static class QuotaWindow
{
    /// <summary>The index of the window containing <paramref name="now"/>.</summary>
    public static long Index(DateTimeOffset now, TimeSpan window) => now.UtcTicks / window.Ticks;

    /// <summary>Time left until the window containing <paramref name="now"/> ends (at least one second).</summary>
    public static TimeSpan Remaining(DateTimeOffset now, TimeSpan window)
    {
        var end = (Index(now, window) + 1) * window.Ticks;
        var left = TimeSpan.FromTicks(end - now.UtcTicks);
        return left < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left;
    }
}
