using Microsoft.Extensions.Configuration;

namespace Warden.Gateway.Hosting;

/// <summary>
/// A configuration file that fails to parse on reload would otherwise be read as empty (its settings
/// silently gone). The guard marks every file source so that such a failure is recorded instead of thrown,
/// and <see cref="WardenConfigurationReloader"/> rejects the reload that follows it.
/// </summary>
internal sealed class ConfigurationFileGuard
{
    private int _failures;

    /// <summary>Hooks every file source of <paramref name="configuration"/> (call after all sources are added).</summary>
    public static ConfigurationFileGuard Attach(IConfigurationBuilder configuration)
    {
        var guard = new ConfigurationFileGuard();
        foreach (var source in configuration.Sources.OfType<FileConfigurationSource>())
        {
            source.OnLoadException = context =>
            {
                // At start-up a broken file must stop the gateway; on reload it must not blank the configuration.
                if (guard.Started)
                {
                    context.Ignore = true;
                    Interlocked.Increment(ref guard._failures);
                }
            };
        }

        return guard;
    }

    /// <summary>Set once the first configuration has been loaded and validated.</summary>
    public bool Started { get; set; }

    /// <summary>How many reloads failed to parse so far (never cleared: each watcher compares it with the count it last saw).</summary>
    public int FailureCount => Volatile.Read(ref _failures);
}
