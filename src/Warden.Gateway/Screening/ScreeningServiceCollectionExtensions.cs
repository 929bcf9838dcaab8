using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Screening;

namespace Warden.Gateway.Screening;

/// <summary>Registers the screening engine for <see cref="ScreeningEndpoints.MapWardenScreening"/>.</summary>
public static class ScreeningServiceCollectionExtensions
{
    /// <summary>Adds the sanitizer, the detector (with the shipped model) and the screener as singletons.</summary>
    public static IServiceCollection AddWardenScreening(this IServiceCollection services, ScreeningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var snapshot = options ?? new ScreeningOptions();
        snapshot.Validate();
        services.AddSingleton(snapshot);
        services.AddSingleton(new ContentSanitizer(new SanitizerOptions { AllowedHosts = snapshot.AllowedHosts }));
        services.AddSingleton(_ => new InjectionDetector(new InjectionDetectorOptions { Threshold = snapshot.Threshold }));
        services.AddSingleton<ContentScreener>();
        services.AddSingleton<ScreeningMetrics>();
        return services;
    }
}
