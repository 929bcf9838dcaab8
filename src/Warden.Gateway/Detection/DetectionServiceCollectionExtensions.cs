using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Warden.Core.Detection;
using Warden.Core.Pseudonymization;

namespace Warden.Gateway.Detection;

/// <summary>DI registration for the detection engine, the pseudonymizer vault and <c>/api/scrub</c>.</summary>
public static class DetectionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DetectionEngine"/> (validated options, shared), <see cref="IPseudonymizer"/> (in-memory vault with
    /// TTL on the registered <see cref="TimeProvider"/>) and the scrub endpoint settings. Invalid options throw at startup.
    /// </summary>
    public static IServiceCollection AddWardenDetection(this IServiceCollection services, DetectionOptions? detection = null, ScrubEndpointOptions? scrub = null, PseudonymizerOptions? vault = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var detectionOptions = detection ?? new DetectionOptions();
        detectionOptions.Validate();
        var scrubOptions = scrub ?? new ScrubEndpointOptions();
        scrubOptions.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new DetectionEngine(detectionOptions));
        services.TryAddSingleton(scrubOptions);
        services.TryAddSingleton(new ScrubKeys(
            scrubOptions.HashKey ?? RandomNumberGenerator.GetBytes(32),
            scrubOptions.EncryptionKey ?? RandomNumberGenerator.GetBytes(32)));
        services.TryAddSingleton<IPseudonymizer>(sp => new Pseudonymizer(sp.GetRequiredService<DetectionEngine>(), sp.GetRequiredService<TimeProvider>(), vault));
        return services;
    }

    /// <summary>Registers detection with the <c>Warden:Detection</c>, <c>Warden:Pseudonymization</c> and <c>Warden:Scrub</c> sections of <paramref name="configuration"/>.</summary>
    public static IServiceCollection AddWardenDetection(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        services.AddWardenDetection(
            DetectionConfiguration.Detection(configuration),
            DetectionConfiguration.Scrub(configuration),
            DetectionConfiguration.Pseudonymization(configuration));
}

/// <summary>Keys for the hash and encrypt operators of <c>/api/scrub</c> (random per process unless configured).</summary>
internal sealed record ScrubKeys(byte[] HashKey, byte[] EncryptionKey);
