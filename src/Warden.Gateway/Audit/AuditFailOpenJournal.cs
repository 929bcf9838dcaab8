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
/// </summary>
internal sealed partial class AuditFailOpenJournal(IAuditTrail trail, TimeProvider time, IMeterFactory meters, ILogger<AuditFailOpenJournal> logger) : BackgroundService
{
    public const int Capacity = 10_000;

    private readonly ConcurrentQueue<AuditEvent> _pending = new();
    private readonly Counter<long> _failOpen = meters.Create("Warden.Gateway").CreateCounter<long>("warden_audit_fail_open_total", description: "requests that proceeded while the audit trail was down (audit_failure: open)");
    private long _dropped;

    /// <summary>How many records wait for the trail.</summary>
    public int Pending => _pending.Count;

    /// <summary>Notes a request that proceeded without its record <paramref name="missed"/>.</summary>
    public void Record(AuditEvent missed)
    {
        ArgumentNullException.ThrowIfNull(missed);
        _failOpen.Add(1);
        LogFailOpen(logger, missed.Type, missed.RuleId ?? "-", missed.PrincipalId ?? "-");
        if (_pending.Count >= Capacity)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        _pending.Enqueue(missed with
        {
            Type = AuditRecords.FailOpen,
            Attributes = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["missed_type"] = missed.Type,
                ["at"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            },
        });
    }

    /// <summary>Writes what is pending; stops at the first failure (the trail is still down).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (_pending.TryPeek(out var next))
        {
            var dropped = Interlocked.Read(ref _dropped);
            var record = dropped == 0 ? next : next with
            {
                Attributes = new Dictionary<string, string>(next.Attributes!, StringComparer.Ordinal) { ["dropped_before"] = dropped.ToString(CultureInfo.InvariantCulture) },
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
        }
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

    [LoggerMessage(EventId = 5030, Level = LogLevel.Warning, Message = "Audit trail unavailable; {Type} of {Principal} proceeded because rule {RuleId} says audit_failure: open (recorded once the trail is back)")]
    private static partial void LogFailOpen(ILogger logger, string type, string ruleId, string principal);
}
