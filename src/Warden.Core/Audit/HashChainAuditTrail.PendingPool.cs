using System.Diagnostics;

namespace Warden.Core.Audit;

public sealed partial class HashChainAuditTrail
{
    /// <summary>Recycled <see cref="AuditPending"/> objects (at most the queue's capacity are kept).</summary>
    internal sealed class PendingPool(int capacity, AuditTrailMetrics metrics)
    {
        private readonly Stack<AuditPending> _free = new();
        private readonly Lock _lock = new();

        public AuditTrailMetrics Metrics { get; } = metrics;

        public AuditPending Rent(AuditEvent auditEvent, Action<AuditEvent, Exception>? onFailure)
        {
            AuditPending? pending;
            lock (_lock)
            {
                _free.TryPop(out pending);
            }

            pending ??= new AuditPending(this);
            pending.Init(auditEvent, onFailure, Stopwatch.GetTimestamp());
            return pending;
        }

        public void Return(AuditPending pending)
        {
            lock (_lock)
            {
                if (_free.Count < capacity)
                {
                    _free.Push(pending);
                }
            }
        }
    }
}
