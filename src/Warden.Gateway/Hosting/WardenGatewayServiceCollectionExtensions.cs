using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Warden.Core.Audit;
using Warden.Core.Identity;
using Warden.Core.Policy;
using Warden.Gateway.Audit;
using Warden.Gateway.Authentication;
using Warden.Gateway.Policy;
using Warden.Gateway.Observability;
using Warden.Gateway.Providers;
using Warden.Gateway.Proxy;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Principals;
using Warden.Storage.Sqlite.ProviderKeys;
using OpenTelemetry.Metrics;

namespace Warden.Gateway.Hosting;

/// <summary>The gateway's own services. Defaults are <c>TryAdd</c>ed so engines registered earlier win.</summary>
public static class WardenGatewayServiceCollectionExtensions
{
    /// <summary>Registers the gateway core: stores, authenticators, default hooks, provider clients.</summary>
    public static IServiceCollection AddWardenGatewayCore(this IServiceCollection services, WardenGatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPrincipalStore, SqlitePrincipalStore>();
        services.AddSingleton<AgentKeyAuthenticator>();
        services.AddSingleton<ICredentialAuthenticator>(sp => sp.GetRequiredService<AgentKeyAuthenticator>());
        services.AddSingleton<ICredentialAuthenticator, AdminKeyAuthenticator>();
        services.TryAddSingleton<IPolicyDecisionPoint, ProviderAccessPolicyDecisionPoint>();
        services.TryAddSingleton<IAuditTrail, NoOpAuditTrailPlaceholder>();
        services.TryAddSingleton(_ => WardenDataProtection.Create(options.DataDirectory, options.KeyEncryptionKeyFile));
        services.TryAddSingleton(sp => new SqliteProviderKeyStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ProviderKeyVault>();
        services.TryAddSingleton<ProviderRegistry>();
        services.AddHostedService<WardenConfigurationReloader>();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<ProxyHandler>();
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(GatewayMetrics.MeterName)
            .AddPrometheusExporter());
        return services;
    }
}
