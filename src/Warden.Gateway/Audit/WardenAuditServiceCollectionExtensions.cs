using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Warden.Core.Audit;
using Warden.Gateway.Hosting;
using Warden.Gateway.Providers;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Gateway.Audit;

/// <summary>Registers the hash-chained audit trail as the gateway's <see cref="IAuditTrail"/>.</summary>
public static class WardenAuditServiceCollectionExtensions
{
    public static IServiceCollection AddWardenAudit(this IServiceCollection services, WardenGatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dataDirectory = options.DataDirectoryFullPath;
        services.AddSingleton(sp => AuditGatewayOptions.Load(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => new AuditStoreHandle(dataDirectory, sp.GetRequiredService<AuditGatewayOptions>(), sp.GetService<IMeterFactory>(),
            ActivatorUtilities.CreateInstance<AuditJournalLog>(sp)));
        services.AddSingleton(sp => sp.GetRequiredService<AuditStoreHandle>().Store);
        services.AddSingleton(sp => sp.GetRequiredService<AuditStoreHandle>().Content);
        var kekFile = options.KeyEncryptionKeyFile;
        services.AddSingleton(_ => AuditSigningKey.LoadOrCreate(dataDirectory, KeyEncryptionKey.LoadOptional(kekFile)));
        services.AddSingleton(_ => AuditContentKeys.LoadOrCreate(dataDirectory, KeyEncryptionKey.LoadOptional(kekFile)));
        services.AddSingleton(sp => sp.GetRequiredService<AuditGatewayOptions>().Capture);
        services.AddSingleton(sp => new AuditContentProtector(
            sp.GetRequiredService<AuditContentKeys>(), sp.GetRequiredService<IAuditContentStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AuditLogExporter>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<AuditGatewayOptions>();
            IAuditRecordSink[] sinks = o.ExportLogs ? [sp.GetRequiredService<AuditLogExporter>()] : [];
            return new HashChainAuditTrail(sp.GetRequiredService<IAuditStore>(), sp.GetRequiredService<AuditSigningKey>(), sp.GetRequiredService<TimeProvider>(), o.Trail, sinks, sp.GetService<IMeterFactory>());
        });

        // The writer's own timings (append wait, per-batch phases, SQLite transactions and WAL checkpoints) on /metrics.
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(AuditTrailMetrics.MeterName, SqliteAuditMetrics.MeterName));

        services.AddSingleton<AuditFailOpenJournal>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditFailOpenJournal>());

        // An embedding host (or a test) that registered its own IAuditTrail keeps it; otherwise the
        // hash chain is the trail and writes gateway.start / gateway.stop.
        if (!services.Any(d => d.ServiceType == typeof(IAuditTrail)))
        {
            services.AddSingleton<IAuditTrail>(sp => sp.GetRequiredService<AuditGatewayOptions>().UnsafeDisableForBenchmark
                ? ActivatorUtilities.CreateInstance<BenchmarkDisabledAuditTrail>(sp)
                : sp.GetRequiredService<HashChainAuditTrail>());
            services.AddHostedService<AuditLifecycleService>();
        }

        // Zero prompt storage: the host's per-request lines print the full URL, query string included,
        // which can carry caller text. Warden's own records name the route pattern instead.
        services.Configure<LoggerFilterOptions>(o => o.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning));
        return services;
    }
}
