namespace Warden.Core.Audit;

/// <summary>
/// How queued events nobody awaits (<see cref="EnqueueAsync"/>: the gateway's <c>gateway.response</c>) and committed
/// records for the sinks reach the writer thread without a timer. The writer sleeps with a deadline while it is
/// <em>armed</em>: it wakes once per <see cref="AuditTrailOptions.EnqueuedFlushDelay"/> (or when the oldest queued event
/// is due), commits what no caller carried meanwhile and hands committed records to the sinks. It stays armed while events
/// keep coming and disarms after one quiet period; only arming a disarmed writer wakes it. Before, every arming started
/// a timer whose callback ran on a thread-pool worker that then woke the writer: three threads woken per period at a
/// modest rate (the timer thread, a pool worker that spins before it parks, the writer) instead of one.
/// </summary>
public sealed partial class HashChainAuditTrail
{
    /// <summary>
    /// A caller queued an event nobody awaits, or committed records for the sinks: the writer must look within one flush
    /// delay. Wakes it only when it sleeps without a deadline.
    /// </summary>
    private void ArmFlush()
    {
        if (Volatile.Read(ref _flushActivity) == 0)
        {
            Interlocked.Exchange(ref _flushActivity, 1); // a full fence: ordered after the caller's queued item (see FlushTick)
        }

        if (Volatile.Read(ref _flushArmed) == 0 && Interlocked.Exchange(ref _flushArmed, 1) == 0)
        {
            try
            {
                _wake.Set();
            }
            catch (ObjectDisposedException)
            {
                // queued just before the trail was disposed: the writer drained everything on its way out
            }
        }
    }

    /// <summary>The writer's sleep: until the oldest queued event is due, one flush period while armed, else until woken.</summary>
    private int FlushTimeout(TimeSpan? flush)
    {
        var period = _options.EnqueuedFlushDelay > TimeSpan.FromMilliseconds(1) ? _options.EnqueuedFlushDelay : TimeSpan.FromMilliseconds(1);
        if (flush is { } f)
        {
            // due already but a caller leads: look again soon
            return (int)Math.Ceiling(Math.Clamp(f.TotalMilliseconds, 1, period.TotalMilliseconds));
        }

        return Volatile.Read(ref _flushArmed) == 1 ? (int)Math.Ceiling(period.TotalMilliseconds) : Timeout.Infinite;
    }

    /// <summary>
    /// The writer's deadline passed without a wake-up (the loop then commits what is due and publishes). It stays armed
    /// while anything arrived during the period; else it disarms, unless something is still queued or unpublished — read
    /// after the disarm, so a caller that saw the writer armed has its item seen here (both sides fence).
    /// </summary>
    private void FlushTick(System.Threading.Channels.ChannelReader<AuditPending> reader)
    {
        if (Interlocked.Exchange(ref _flushActivity, 0) == 1)
        {
            return;
        }

        Interlocked.Exchange(ref _flushArmed, 0);
        if (reader.TryPeek(out _) || !_toPublish.IsEmpty)
        {
            Volatile.Write(ref _flushArmed, 1);
        }
    }

    /// <summary>Whether any sink wants committed records now (asked after every commit; a sink that throws counts as wanting them).</summary>
    private bool SinksEnabled()
    {
        foreach (var sink in _sinks)
        {
            try
            {
                if (sink.IsEnabled)
                {
                    return true;
                }
            }
#pragma warning disable CA1031 // Export is best effort; a sink that cannot answer gets the records and may drop them.
            catch (Exception)
#pragma warning restore CA1031
            {
                return true;
            }
        }

        return false;
    }
}
