namespace Warden.Scanner.Probing;

/// <summary>
/// Spaces probes evenly across the whole scan (a leaky bucket with no burst): each probe takes the
/// next free slot, <c>1 / rate</c> seconds after the previous one. Time comes from <see cref="TimeProvider"/>.
/// </summary>
internal sealed class ProbeRateLimiter
{
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;
    private readonly Lock _gate = new();
    private long _nextSlot;

    public ProbeRateLimiter(double probesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(probesPerSecond);
        _time = time;
        _intervalTicks = (long)(TimeSpan.TicksPerSecond / probesPerSecond);
    }

    /// <summary>Waits for this probe's slot.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        TimeSpan delay;
        lock (_gate)
        {
            var now = _time.GetUtcNow().UtcTicks;
            var slot = Math.Max(now, _nextSlot);
            _nextSlot = slot + _intervalTicks;
            delay = TimeSpan.FromTicks(slot - now);
        }

        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken);
        }
    }
}
