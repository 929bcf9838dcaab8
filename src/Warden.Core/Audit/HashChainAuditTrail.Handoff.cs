using System.Diagnostics;

namespace Warden.Core.Audit;

/// <summary>
/// Who commits an awaited append (see <see cref="AuditTrailOptions.CallerCommitMaxRate"/>). Handing an event to the
/// writer thread costs two thread hops (wake the writer; the caller's continuation on a pool worker); at a sparse rate
/// those wake-ups are most of an append's wait and CPU, while a commit of one or two records on the caller's own thread
/// costs one SQLite transaction. Under load the hops are shared by a whole batch and a caller-led batch of one would
/// fragment it, so the caller commits itself only while the moving average of the spacing between awaited appends is at
/// least 1 / <c>CallerCommitMaxRate</c>.
/// </summary>
public sealed partial class HashChainAuditTrail
{
    /// <summary>
    /// How long a caller of a sparse trail that finds a commit running waits for it on its own thread: longer than a
    /// commit (≈ 0.1–0.3 ms), short enough that a leader that lost its core costs a bounded spin before the hand-off.
    /// </summary>
    private static readonly long CollisionSpinTicks = Stopwatch.Frequency / 2000; // 0.5 ms

    private readonly long _sparseGapTicks; // 0: adaptive hand-off off
    private long _lastAwaitedAt;
    private long _gapAverage; // starts sparse (at the cap)

    /// <summary>
    /// Counts a new awaited append and tells whether awaited appends arrive sparsely (racy by design: a hint). A gap counts
    /// as at most 4 × the sparse gap, so one pause (between two bursts) cannot make the next burst look sparse: it takes
    /// a few long gaps in a row.
    /// </summary>
    private bool ArrivalsSparse()
    {
        var now = Stopwatch.GetTimestamp();
        var last = Interlocked.Exchange(ref _lastAwaitedAt, now);
        var gap = Math.Min(now - last, 4 * _sparseGapTicks);
        var average = Volatile.Read(ref _gapAverage);
        average += (gap - average) / 8;
        Volatile.Write(ref _gapAverage, average);
        return average >= _sparseGapTicks;
    }

    /// <summary>
    /// A sparse trail's caller whose event is queued: commits it on this thread if nobody leads, else waits (bounded)
    /// for the running commit, then either finds its event committed by it or leads the next batch itself. False: the
    /// spin ran out; the caller hands off to the writer thread.
    /// </summary>
    private bool CommitOnCallersThread(AuditPending pending)
    {
        if (TryLead())
        {
            LeadOneBatch();
            return true;
        }

        var until = Stopwatch.GetTimestamp() + CollisionSpinTicks;
        var spinner = default(SpinWait);
        while (Stopwatch.GetTimestamp() < until)
        {
            if (pending.IsCompleted)
            {
                return true; // the running leader drained it after all
            }

            if (Volatile.Read(ref _leader) == 0 && TryLead())
            {
                LeadOneBatch(); // usually this caller's event (and any queued meanwhile); none left if the last leader took it
                return true;
            }

            spinner.SpinOnce(sleep1Threshold: -1); // yields the core now and then: the leader may need it
        }

        return false;
    }
}
