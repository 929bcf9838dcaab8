using Microsoft.Extensions.Configuration;
using Warden.Gateway.Hosting;

namespace Warden.Cli.Doctor;

/// <summary>
/// What the doctor examines: the configuration as <c>warden serve</c> would load it (the config
/// file plus <c>WARDEN__*</c> environment variables), the data directory, and optionally a running
/// instance reached at <see cref="InstanceUri"/>.
/// </summary>
internal sealed class DoctorContext
{
    public required IConfiguration Configuration { get; init; }

    /// <summary>The options as the gateway would load them; null when loading failed.</summary>
    public WardenGatewayOptions? Options { get; init; }

    /// <summary>Why loading failed, when it did.</summary>
    public IReadOnlyList<string> LoadErrors { get; init; } = [];

    /// <summary>The JSON config file examined (may not exist).</summary>
    public required string ConfigFile { get; init; }

    /// <summary>The data directory (from the options or <c>--data-dir</c>).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>A running instance to probe, if given.</summary>
    public Uri? InstanceUri { get; init; }

    /// <summary>HTTP client for instance probes (never sends credentials).</summary>
    public required HttpMessageInvoker Http { get; init; }

    /// <summary>Loads a context: <paramref name="configFile"/> and <c>WARDEN__*</c> environment variables, like <c>warden serve</c>.</summary>
    public static DoctorContext Load(string configFile, string? dataDirectory, Uri? instance, HttpMessageInvoker http, IDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.GetFullPath(configFile), optional: true)
            .AddEnvironmentVariables();
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        var configuration = builder.Build();
        WardenGatewayOptions? options = null;
        IReadOnlyList<string> errors = [];
        try
        {
            options = WardenOptionsLoader.Load(configuration);
        }
        catch (WardenConfigurationException ex)
        {
            errors = ex.Errors;
        }
        catch (InvalidOperationException ex)
        {
            errors = [ex.Message];
        }

        return new DoctorContext
        {
            Configuration = configuration,
            Options = options,
            LoadErrors = errors,
            ConfigFile = Path.GetFullPath(configFile),
            DataDirectory = Path.GetFullPath(dataDirectory ?? options?.DataDirectory ?? configuration["Warden:DataDirectory"] ?? new WardenGatewayOptions().DataDirectory),
            InstanceUri = instance,
            Http = http,
        };
    }
}
