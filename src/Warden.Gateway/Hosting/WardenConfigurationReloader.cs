using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Warden.Gateway.Providers;

namespace Warden.Gateway.Hosting;

/// <summary>
/// Watches the configuration (appsettings.json, <c>--config FILE</c>) and applies a changed <c>Warden</c>
/// section to the provider registry. A snapshot that fails validation is rejected whole, its errors are
/// logged, and the last good configuration stays in force.
/// </summary>
internal sealed partial class WardenConfigurationReloader(IConfiguration configuration, ProviderRegistry registry, ConfigurationFileGuard guard, ILogger<WardenConfigurationReloader> logger)
    : IHostedService, IDisposable
{
    private IDisposable? _subscription;
    private int _seenFailures = guard.FailureCount;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => Reload());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Loads, validates and applies the current configuration; returns whether it was applied.</summary>
    public bool Reload()
    {
        var failures = guard.FailureCount;
        if (failures != Interlocked.Exchange(ref _seenFailures, failures))
        {
            Log.Invalid(logger, "a configuration file could not be parsed");
            return false;
        }

        WardenGatewayOptions next;
        try
        {
            next = WardenOptionsLoader.Load(configuration);
        }
        catch (WardenConfigurationException ex)
        {
            Log.Invalid(logger, string.Join("; ", ex.Errors));
            return false;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // Binding errors (a number that is not a number) carry the offending value: log only the kind.
            Log.Invalid(logger, "the Warden section cannot be bound (" + ex.GetType().Name + ")");
            return false;
        }

        return registry.TryReload(next);
    }

    public void Dispose() => _subscription?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 1304, Level = LogLevel.Error, Message = "Configuration reload rejected, the last good configuration stays in force: {Errors}")]
        public static partial void Invalid(ILogger logger, string errors);
    }
}
