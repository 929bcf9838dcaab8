using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Core.Audit;

namespace Warden.Gateway.Audit;

/// <summary>
/// Writes <c>gateway.start</c> (start-up fails if the trail cannot be written: fail closed) and
/// <c>gateway.stop</c>, and purges captured content whose retention has ended.
/// </summary>
internal sealed partial class AuditLifecycleService(
    IAuditTrail trail,
    AuditContentProtector content,
    AuditGatewayOptions options,
    TimeProvider time,
    ILogger<AuditLifecycleService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await trail.AppendAsync(new AuditEvent { Type = "gateway.start", PrincipalId = "system", Attributes = Attrs() }, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await trail.AppendAsync(new AuditEvent { Type = "gateway.stop", PrincipalId = "system", Attributes = Attrs() }, cancellationToken);
        }
#pragma warning disable CA1031 // shutting down anyway; the failure is logged
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogStopFailed(logger, ex.GetType().Name);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RetentionSweep, time);
        try
        {
            do
            {
                try
                {
                    var purged = await content.PurgeExpiredAsync(stoppingToken);
                    if (purged > 0)
                    {
                        LogPurged(logger, purged);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPurgeFailed(logger, ex.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static Dictionary<string, string> Attrs() => new(StringComparer.Ordinal)
    {
        ["pid"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["version"] = typeof(AuditLifecycleService).Assembly.GetName().Version?.ToString() ?? "0",
    };

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Purged {Count} captured audit contents past retention")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Error, Message = "Purging captured audit content failed: {ExceptionType}")]
    private static partial void LogPurgeFailed(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "Could not write gateway.stop to the audit trail: {ExceptionType}")]
    private static partial void LogStopFailed(ILogger logger, string exceptionType);
}
