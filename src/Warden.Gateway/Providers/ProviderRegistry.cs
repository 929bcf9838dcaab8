using Microsoft.Extensions.Logging;
using Warden.Gateway.Hosting;

namespace Warden.Gateway.Providers;

/// <summary>
/// The configured providers and model routing. A requested model resolves, in order, to: a model
/// alias (with its ordered fallbacks); <c>provider/model</c>; or the first provider listing the model.
/// Providers, model aliases and the egress allowlist hot-reload: <see cref="TryReload"/> validates the
/// new snapshot whole and builds its clients before swapping it in, so a bad reload keeps the last good one.
/// </summary>
internal sealed partial class ProviderRegistry : IDisposable
{
    private readonly ProviderKeyVault _vault;
    private readonly IReadOnlyDictionary<string, HttpMessageHandler> _overrides;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _reloadGate = new();
    private ProviderRoutes _routes;
    private bool _disposed;

    public ProviderRegistry(
        WardenGatewayOptions options,
        ProviderKeyVault vault,
        IEnumerable<ProviderHandlerOverride> overrides,
        TimeProvider? time = null,
        ILogger<ProviderRegistry>? logger = null)
    {
        _vault = vault;
        _overrides = overrides.ToDictionary(o => o.Provider, o => o.Handler, StringComparer.OrdinalIgnoreCase);
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _routes = Build(options);
    }

    /// <summary>The configuration snapshot in force (restart-only settings keep their start-up values).</summary>
    public WardenGatewayOptions Options => Volatile.Read(ref _routes).Options;

    public IReadOnlyDictionary<string, ProviderClient> Providers => Volatile.Read(ref _routes).Providers;

    /// <summary>The targets for <paramref name="model"/> (optionally pinned to <paramref name="provider"/>), or null when unknown.</summary>
    public RouteTarget[]? Resolve(string model, string? provider) => Volatile.Read(ref _routes).Resolve(model, provider);

    /// <summary>Every model name a caller can use (aliases and listed provider models).</summary>
    public IEnumerable<(string Id, string Provider)> ListModels() => Volatile.Read(ref _routes).ListModels();

    /// <summary>
    /// Applies <paramref name="next"/> (already validated) if its clients can be built; otherwise keeps the
    /// current snapshot. Settings that need a restart keep their current values. Returns whether it applied.
    /// </summary>
    public bool TryReload(WardenGatewayOptions next)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_reloadGate)
        {
            if (_disposed)
            {
                return false;
            }

            var current = Volatile.Read(ref _routes);
            var (merged, ignored) = RestartOnlySettings.Keep(current.Options, next);
            if (ignored.Count > 0)
            {
                Log.RestartRequired(_logger, string.Join(", ", ignored));
            }

            ProviderRoutes built;
            try
            {
                built = Build(merged);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IOException or System.Security.Cryptography.CryptographicException)
            {
                Log.ReloadRejected(_logger, ex.GetType().Name);
                return false;
            }

            Volatile.Write(ref _routes, built);
            Log.Reloaded(_logger, built.Providers.Count, merged.Models.Count);
            RetireLater(current);
            return true;
        }
    }

    private ProviderRoutes Build(WardenGatewayOptions options)
    {
        var providers = new Dictionary<string, ProviderClient>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var (name, p) in options.Providers)
            {
                var handler = p.Type == "echo" ? new EchoProviderHandler() : _overrides.GetValueOrDefault(name);
                providers[name] = new ProviderClient(name, p, p.Type == "echo" ? null : _vault.GetKey(name, p), options.EgressAllowlist, handler);
            }
        }
        catch
        {
            foreach (var c in providers.Values)
            {
                c.Dispose();
            }

            throw;
        }

        return new ProviderRoutes(options, providers);
    }

    /// <summary>Requests in flight may still hold the old clients: dispose them once the longest total timeout has passed.</summary>
    private void RetireLater(ProviderRoutes old)
    {
        var longest = old.Providers.Values.Select(c => c.TotalTimeout).DefaultIfEmpty(TimeSpan.Zero).Max();
        var grace = longest + TimeSpan.FromSeconds(30);
        ITimer? timer = null;
        timer = _time.CreateTimer(_ => { old.Dispose(); timer?.Dispose(); }, null, grace, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        lock (_reloadGate)
        {
            _disposed = true;
            Volatile.Read(ref _routes).Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Configuration reloaded: {Providers} providers, {Aliases} model aliases")]
        public static partial void Reloaded(ILogger logger, int providers, int aliases);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "Configuration reload rejected ({Reason}); the last good configuration stays in force")]
        public static partial void ReloadRejected(ILogger logger, string reason);

        [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Configuration changes to {Settings} take effect only after a restart")]
        public static partial void RestartRequired(ILogger logger, string settings);
    }
}
