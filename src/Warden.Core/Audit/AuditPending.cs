using System.Threading.Tasks.Sources;

namespace Warden.Core.Audit;

/// <summary>
/// One queued event, reused: the awaited completion of <see cref="HashChainAuditTrail.AppendAsync"/> (a pooled
/// <see cref="IValueTaskSource{TResult}"/>, so an append allocates nothing of its own) or an enqueued event's failure
/// handler. Continuations always run asynchronously: a caller never runs on the writer thread. Owned by the writer
/// and, when awaited, by the caller; it goes back to the pool when both are done (the caller after reading its
/// result, the writer after completing it), so a cancelled caller never sees a recycled object.
/// </summary>
internal sealed class AuditPending : IValueTaskSource<long>
{
    private static readonly Action<object?, CancellationToken> OnCancel = static (state, token) =>
        ((AuditPending)state!).TrySetException(new OperationCanceledException(token));

    private readonly HashChainAuditTrail.PendingPool _pool;
    private ManualResetValueTaskSourceCore<long> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;
    private int _owners;
    private int _completed;

    public AuditPending(HashChainAuditTrail.PendingPool pool) => _pool = pool;

    public AuditEvent Event { get; private set; } = null!;

    public Action<AuditEvent, Exception>? OnFailure { get; private set; }

    /// <summary><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> when the event was queued.</summary>
    public long QueuedAt { get; private set; }

    public bool Awaited => OnFailure is null;

    /// <summary>The caller's view, before it awaits: the writer (or a leading caller) completed it.</summary>
    public bool IsCompleted => _core.GetStatus(_core.Version) != ValueTaskSourceStatus.Pending;

    public void Init(AuditEvent auditEvent, Action<AuditEvent, Exception>? onFailure, long queuedAt)
    {
        Event = auditEvent;
        OnFailure = onFailure;
        QueuedAt = queuedAt;
        _owners = onFailure is null ? 2 : 1;
        _completed = 0;
    }

    /// <summary>The caller's view; call once, after the event was queued.</summary>
    public ValueTask<long> AsValueTask(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(OnCancel, this);
        }

        return new ValueTask<long>(this, _core.Version);
    }

    /// <summary>Writer: the event is durable at <paramref name="sequence"/>.</summary>
    public void Complete(long sequence)
    {
        if (Awaited && Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _core.SetResult(sequence);
        }

        Release();
    }

    /// <summary>Writer: the event could not be written.</summary>
    public void Fail(Exception failure)
    {
        if (Awaited)
        {
            TrySetException(failure);
        }
        else
        {
            try
            {
                OnFailure!(Event, failure);
            }
#pragma warning disable CA1031 // a failing handler must not stop the writer
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        Release();
    }

    public long GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _pool.Metrics.AppendWait(QueuedAt);
            _registration.Dispose();
            Release();
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void TrySetException(Exception failure)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _core.SetException(failure);
        }
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _owners) == 0)
        {
            _core.Reset();
            _registration = default;
            Event = null!;
            OnFailure = null;
            _pool.Return(this);
        }
    }
}
