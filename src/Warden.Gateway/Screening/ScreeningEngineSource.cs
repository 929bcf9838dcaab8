using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Warden.Core.Screening;
using Warden.Gateway.Hosting;

namespace Warden.Gateway.Screening;

/// <summary>
/// The screening engine in force. Built from <c>Warden:Screening</c> at start (a bad configuration fails
/// start-up) and rebuilt whenever the configuration reloads; a reload with invalid settings is rejected and
/// logged, and the last good engine stays in force.
/// </summary>
internal sealed partial class ScreeningEngineSource : IDisposable
{
    private readonly IConfiguration? _configuration;
    private readonly ILogger _logger;
    private readonly IDisposable? _subscription;
    private readonly Func<InjectionDetectorOptions, InjectionDetector> _detector;
    private readonly ConfigurationFileGuard? _guard;
    private volatile ScreeningEngine _current;
    private int _seenFailures;

    /// <param name="initial">The validated settings to start with.</param>
    /// <param name="reloadFrom">Configuration to watch for changes (null: the settings are fixed).</param>
    /// <param name="guard">Tells when a configuration file failed to parse (its keys then vanish: not a valid change).</param>
    /// <param name="logger">Logs accepted and rejected reloads (no content).</param>
    public ScreeningEngineSource(ScreeningOptions initial, IConfiguration? reloadFrom, ConfigurationFileGuard? guard, ILogger<ScreeningEngineSource> logger)
    {
        initial.Validate();
        _logger = logger;
        _detector = DetectorFactory();
        _configuration = reloadFrom;
        _guard = guard;
        _seenFailures = guard?.FailureCount ?? 0;
        _current = ScreeningEngine.Create(initial, _detector);
        if (_configuration is not null)
        {
            _subscription = ChangeToken.OnChange(_configuration.GetReloadToken, () => Reload());
            Reload(); // the engine is built on first use: catch up with changes made since registration
        }
    }

    /// <summary>The engine in force (an immutable snapshot; read it once per request).</summary>
    public ScreeningEngine Current => _current;

    /// <summary>Re-reads the section; keeps the current engine when the new settings are invalid. Returns whether it changed.</summary>
    public bool Reload()
    {
        if (_configuration is null)
        {
            return false;
        }

        var failures = _guard?.FailureCount ?? 0;
        if (failures != Interlocked.Exchange(ref _seenFailures, failures))
        {
            LogRejected(_logger, "a configuration file could not be parsed");
            return false;
        }

        try
        {
            var options = ScreeningOptions.Bind(_configuration.GetSection(ScreeningOptions.SectionName));
            if (options == _current.Options || SameSettings(options, _current.Options))
            {
                return false;
            }

            _current = ScreeningEngine.Create(options, _detector);
            LogReloaded(_logger, options.Threshold, options.AllowedHosts.Count);
            return true;
        }
        catch (WardenConfigurationException e)
        {
            LogRejected(_logger, e.Message);
            return false;
        }
    }

    public void Dispose() => _subscription?.Dispose();

    private static bool SameSettings(ScreeningOptions a, ScreeningOptions b) =>
        a with { AllowedHosts = [] } == b with { AllowedHosts = [] } && a.AllowedHosts.SequenceEqual(b.AllowedHosts, StringComparer.Ordinal);

    /// <summary>The model is loaded once; a reload only changes the detector's settings.</summary>
    private static Func<InjectionDetectorOptions, InjectionDetector> DetectorFactory()
    {
        var direct = LinearTextModel.LoadEmbedded(LinearTextModel.DirectHead);
        var indirect = LinearTextModel.LoadEmbedded(LinearTextModel.IndirectHead);
        return o => new InjectionDetector(o, direct, indirect);
    }

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Screening settings reloaded: threshold {Threshold}, {AllowedHosts} allowed hosts")]
    private static partial void LogReloaded(ILogger logger, double threshold, int allowedHosts);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Screening settings change rejected, the previous settings stay in force: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);
}
