using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Warden.Core.Identity;
using Warden.Core.Policy;
using Warden.Core.RateLimiting;
using Warden.Gateway.Authentication;
using Warden.Gateway.Policy;
using Warden.Storage.Redis.Identity;
using Warden.Storage.Postgres;
using Warden.Storage.Postgres.Policy;
using Warden.Storage.Redis.RateLimiting;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Identity;
using Warden.Storage.Sqlite.Policy;

namespace Warden.Gateway.Identity;

/// <summary>Registers users, task tokens, revocation, the policy decision point and rate limits.</summary>
public static class WardenIdentityServiceCollectionExtensions
{
    /// <summary>Identity: user store, agent profiles, signing keys, task tokens (as a credential type), OIDC, token exchange, revocation.</summary>
    public static IServiceCollection AddWardenIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = WardenIdentitySettings.Load(configuration);
        services.AddSingleton(settings);
        services.AddSingleton(settings.TaskTokens);
        services.AddSingleton(new TokenEndpointThrottle(settings.TokenRequestsPerMinute));
        services.TryAddSingleton(TimeProvider.System);
        if (settings.Redis is not null)
        {
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(settings.Redis));
        }

        services.AddSingleton<IUserStore>(sp => new SqliteUserStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAgentDirectory>(sp => new SqliteAgentDirectory(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISigningKeyStore>(sp => new ProtectedSigningKeyStore(
            new SqliteSigningKeyStore(sp.GetRequiredService<SqliteDatabase>()),
            sp.GetRequiredService<IDataProtectionProvider>(),
            sp.GetRequiredService<ILogger<ProtectedSigningKeyStore>>()));
        services.AddSingleton(sp => new SqliteRevocationList(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IRevocationList>(sp =>
        {
            var durable = sp.GetRequiredService<SqliteRevocationList>();
            if (settings.Redis is null)
            {
                return durable;
            }

            var redis = new RedisRevocationList(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<TimeProvider>(), durable);
            redis.RestoreAsync(durable.ListActive()).GetAwaiter().GetResult();
            return redis;
        });
        services.AddSingleton(sp => new SigningKeyRing(sp.GetRequiredService<ISigningKeyStore>(), settings.TaskTokens, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TaskTokenIssuer(sp.GetRequiredService<SigningKeyRing>(), settings.TaskTokens, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TaskTokenValidator(sp.GetRequiredService<SigningKeyRing>(), settings.TaskTokens, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TaskTokenAuthenticator(sp.GetRequiredService<TaskTokenValidator>(), sp.GetRequiredService<IRevocationList>()));
        services.AddSingleton<ICredentialAuthenticator>(sp => sp.GetRequiredService<TaskTokenAuthenticator>());
        services.AddSingleton(sp => new OidcTokenValidator(settings.Oidc, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TokenExchangeService(
            sp.GetRequiredService<IUserStore>(),
            sp.GetRequiredService<IAgentDirectory>(),
            [sp.GetRequiredService<AgentKeyAuthenticator>()],
            sp.GetRequiredService<OidcTokenValidator>(),
            sp.GetRequiredService<IRevocationList>(),
            sp.GetRequiredService<TaskTokenIssuer>(),
            settings.TaskTokens));
        services.AddOpenApi("admin");
        return services;
    }

    /// <summary>
    /// The policy decision point: YAML rules from <c>Warden:Policy:Path</c> (hot-reloaded) when set; the task-token
    /// scope check always. Replaces the gateway's default <see cref="IPolicyDecisionPoint"/>.
    /// </summary>
    public static IServiceCollection AddWardenPolicy(this IServiceCollection services)
    {
        services.AddSingleton(sp => new PolicyDecisionPoint(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IPolicyRuleStore>(sp =>
        {
            var settings = sp.GetRequiredService<WardenIdentitySettings>();
            return settings.PolicyPostgres is { } pg
                ? new PostgresPolicyRuleStore(new PostgresDatabase(pg), sp.GetRequiredService<TimeProvider>())
                : new SqlitePolicyRuleStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<PolicyReloadService>();
        services.AddSingleton<ProviderAccessPolicyDecisionPoint>();
        services.TryAddSingleton<IPolicyDecisionPoint, WardenPolicyDecisionPoint>(); // a host or test that registered its own PDP first keeps it
        services.AddHostedService(sp => sp.GetRequiredService<PolicyReloadService>());
        return services;
    }

    /// <summary>Rate limits and budgets: in process, or in Redis when <c>Warden:Redis</c> is set (replicas share limits).</summary>
    public static IServiceCollection AddWardenRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton<IQuotaStore>(sp =>
        {
            var settings = sp.GetRequiredService<WardenIdentitySettings>();
            return settings.Redis is null
                ? new InMemoryQuotaStore(sp.GetRequiredService<TimeProvider>())
                : new RedisQuotaStore(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => new QuotaRateLimiter(sp.GetRequiredService<IQuotaStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<System.Threading.RateLimiting.PartitionedRateLimiter<QuotaKey>>(sp => sp.GetRequiredService<QuotaRateLimiter>());
        services.AddSingleton(sp => new RateLimitEnforcer(sp.GetRequiredService<QuotaRateLimiter>(), sp.GetRequiredService<WardenIdentitySettings>().RateLimits));
        services.AddSingleton<PromptTokenCounter>();
        return services;
    }
}
