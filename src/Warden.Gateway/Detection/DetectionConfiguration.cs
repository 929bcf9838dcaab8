using Microsoft.Extensions.Configuration;
using Warden.Core.Detection;
using Warden.Core.Pseudonymization;
using Warden.Gateway.Hosting;

namespace Warden.Gateway.Detection;

/// <summary>
/// Binds the detection engine (<c>Warden:Detection</c>: allow/deny lists, minimum score, phone regions, custom
/// recognizers), the pseudonymizer vault (<c>Warden:Pseudonymization</c>: TTL, limits, realistic fakes) and the
/// scrub endpoint limits (<c>Warden:Scrub</c>) from configuration, each validated whole. A bad section stops
/// start-up with every problem named. Shared by <c>warden serve</c> and <c>warden scrub --config</c>.
/// </summary>
public static class DetectionConfiguration
{
    public const string DetectionSection = "Warden:Detection";
    public const string PseudonymizationSection = "Warden:Pseudonymization";
    public const string ScrubSection = "Warden:Scrub";

    /// <summary>The detection options in <paramref name="configuration"/> (defaults when the section is absent).</summary>
    /// <exception cref="WardenConfigurationException">The section does not bind or does not validate.</exception>
    public static DetectionOptions Detection(IConfiguration configuration) =>
        Bind(configuration, DetectionSection, new DetectionOptions(), o => o.Validate());

    /// <summary>The vault options in <paramref name="configuration"/>.</summary>
    public static PseudonymizerOptions Pseudonymization(IConfiguration configuration) =>
        Bind(configuration, PseudonymizationSection, new PseudonymizerOptions(), o => o.Validate());

    /// <summary>The scrub endpoint limits in <paramref name="configuration"/> (keys stay random per process).</summary>
    public static ScrubEndpointOptions Scrub(IConfiguration configuration) =>
        Bind(configuration, ScrubSection, new ScrubEndpointOptions(), o => o.Validate()) with { HashKey = null, EncryptionKey = null };

    private static T Bind<T>(IConfiguration configuration, string name, T defaults, Action<T> validate)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(name);
        T options;
        try
        {
            options = section.Exists() ? section.Get<T>(b => b.ErrorOnUnknownConfiguration = true) ?? defaults : defaults;
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key and the type; it may echo a value, which is configuration, not a secret.
            throw new WardenConfigurationException([$"{name}: {ex.Message}"]);
        }

        try
        {
            validate(options);
        }
        catch (ArgumentException ex)
        {
            throw new WardenConfigurationException([$"{name}: {ex.Message}"]);
        }

        return options;
    }
}
