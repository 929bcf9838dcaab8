using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Warden.Gateway.Screening;

/// <summary>Registers the screening engine for <see cref="ScreeningEndpoints.MapWardenScreening"/>.</summary>
public static class ScreeningServiceCollectionExtensions
{
    /// <summary>Adds the screening engine (sanitizer, detector with the shipped model, screener) with fixed settings.</summary>
    public static IServiceCollection AddWardenScreening(this IServiceCollection services, ScreeningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var snapshot = options ?? new ScreeningOptions();
        snapshot.Validate();
        return Add(services, snapshot, null);
    }

    /// <summary>
    /// Adds the screening engine with settings from the <c>Warden:Screening</c> section of
    /// <paramref name="configuration"/>, validated whole: invalid settings throw
    /// <see cref="Hosting.WardenConfigurationException"/> here (start-up fails); when the configuration
    /// reloads, valid settings replace the engine and invalid ones are rejected (the last good stay in force).
    /// </summary>
    public static IServiceCollection AddWardenScreening(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, ScreeningOptions.Bind(configuration.GetSection(ScreeningOptions.SectionName)), configuration);
    }

    private static IServiceCollection Add(IServiceCollection services, ScreeningOptions initial, IConfiguration? reloadFrom)
    {
        services.AddSingleton(sp => new ScreeningEngineSource(initial, reloadFrom, sp.GetService<Hosting.ConfigurationFileGuard>(), sp.GetRequiredService<ILogger<ScreeningEngineSource>>()));
        services.AddMetrics();
        services.AddSingleton<ScreeningMetrics>();
        return services;
    }
}
