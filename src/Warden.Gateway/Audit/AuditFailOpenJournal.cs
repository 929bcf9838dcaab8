using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Core.Audit;

namespace Warden.Gateway.Audit;

/// <summary>
/// Requests a policy rule let through while the audit trail could not be written (<c>audit_failure: open</c>). Each
/// is logged at once (event 5030) and counted (<c>warden_audit_fail_open_total</c>), and an <c>audit.fail_open</c>
/// record is written as soon as the trail takes appends again. Bounded: beyond <see cref="Capacity"/> pending records
/// only a count of the dropped ones is kept, and written with the next record.
/// <para>It also holds <c>gateway.response</c> records the trail failed to write after the answer had gone out
/// (<see cref="RecordLost"/>; the response record is queued without holding the answer): logged (event 5031),
/// counted (<c>warden_audit_response_record_failures_total</c>) and written the same way. While any is pending
/// (<see cref="HasLostRecords"/>) the proxy retries them before forwarding a new request and refuses it if they still
/// cannot be written (fail closed).</para>
/// </summary>
internal sealed partial class AuditFailOpenJournal(IAuditTrail trail, TimeProvider time, IMeterFactory meters, ILogger<AuditFailOpenJournal> logger) : BackgroundService
{
    public const int Capacity = 10_000;

    private readonly ConcurrentQueue<(AuditEvent Record, bool Lost)> _pending = new();
    private readonly Counter<long> _failOpen = meters.Create("Warden.Gateway").CreateCounter<long>("warden_audit_fail_open_total", description: "requests that proceeded while the audit trail was down (audit_failure: open)");
    private readonly Counter<long> _responseFailures = meters.Create("Warden.Gateway").CreateCounter<long>("warden_audit_response_record_failures_total", description: "gateway.response records the trail failed to write after the answer was sent (retried; new requests wait for them)");
    private readonly SemaphoreSlim _flush = new(1, 1);
    private long _dropped;
    private int _lost;

    /// <summary>How many records wait for the trail.</summary>
    public int Pending => _pending.Count;

    /// <summary>True while a <c>gateway.response</c> record the trail failed to write is still waiting (<see cref="RecordLost"/>).</summary>
    public bool HasLostRecords => Volatile.Read(ref _lost) > 0;

    /// <summary>Notes a request that proceeded without its record <paramref name="missed"/>.</summary>
    public void Record(AuditEvent missed)
    {
        ArgumentNullException.ThrowIfNull(missed);
        _failOpen.Add(1);
        LogFailOpen(logger, missed.Type, missed.RuleId ?? "-", missed.PrincipalId ?? "-");
        Enqueue(missed, lost: false);
    }

    /// <summary>
    /// Notes a record the trail failed to write after the request was answered (a <c>gateway.response</c> queued
    /// without holding the answer): written as soon as the trail takes appends again, and until then
    /// <see cref="HasLostRecords"/> is true.
    /// </summary>
    public void RecordLost(AuditEvent missed, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(missed);
        ArgumentNullException.ThrowIfNull(failure);
        _responseFailures.Add(1);
        LogLost(logger, missed.Type, failure.GetType().Name, missed.PrincipalId ?? "-");
        Enqueue(missed, lost: true);
    }

    private void Enqueue(AuditEvent missed, bool lost)
    {
        if (_pending.Count >= Capacity)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        if (lost)
        {
            Interlocked.Increment(ref _lost);
        }

        _pending.Enqueue((missed with
        {
            Type = AuditRecords.FailOpen,
            Attributes = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["missed_type"] = missed.Type,
                ["at"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            },
        }, lost));
    }

    /// <summary>Writes what is pending; stops at the first failure (the trail is still down).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flush.WaitAsync(cancellationToken);
        try
        {
            while (_pending.TryPeek(out var next))
            {
                var dropped = Interlocked.Read(ref _dropped);
                var record = dropped == 0 ? next.Record : next.Record with
                {
                    Attributes = new Dictionary<string, string>(next.Record.Attributes!, StringComparer.Ordinal) { ["dropped_before"] = dropped.ToString(CultureInfo.InvariantCulture) },
                };
                try
                {
                    await trail.AppendAsync(record, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    return;
                }

                Interlocked.Add(ref _dropped, -dropped);
                _pending.TryDequeue(out _);
                if (next.Lost)
                {
                    Interlocked.Decrement(ref _lost);
                }
            }
        }
        finally
        {
            _flush.Release();
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _flush.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, stoppingToken);
                await FlushAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 5031, Level = LogLevel.Error, Message = "The audit trail failed to write the {Type} record of an answered request of {Principal} ({ExceptionType}); it is retried, and new requests are refused until it is written")]
    private static partial void LogLost(ILogger logger, string type, string exceptionType, string principal);

    [LoggerMessage(EventId = 5030, Level = LogLevel.Warning, Message = "Audit trail unavailable; {Type} of {Principal} proceeded because rule {RuleId} says audit_failure: open (recorded once the trail is back)")]
    private static partial void LogFailOpen(ILogger logger, string type, string ruleId, string principal);
}
