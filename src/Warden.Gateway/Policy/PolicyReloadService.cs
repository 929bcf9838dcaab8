using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Core.Policy;
using Warden.Gateway.Identity;

namespace Warden.Gateway.Policy;

/// <summary>Loads the policy at startup (a bad policy stops the start: fail closed) and hot-reloads it after.</summary>
internal sealed partial class PolicyReloadService(WardenIdentitySettings settings, PolicyDecisionPoint pdp, TimeProvider time, ILogger<PolicyReloadService> logger) : IHostedService, IDisposable
{
    private PolicyFileSource? _source;

    public PolicyFileSource? Source => _source;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.PolicyPath is null)
        {
            return Task.CompletedTask;
        }

        _source = new PolicyFileSource(settings.PolicyPath, pdp, time);
        var first = _source.Reload();
        if (!first.Applied)
        {
            throw new PolicyValidationException(first.Errors);
        }

        LogLoaded(logger, first.Version, first.RuleCount);
        _source.Reloaded += r =>
        {
            if (r.Applied)
            {
                LogLoaded(logger, r.Version, r.RuleCount);
            }
            else
            {
                LogRejected(logger, r.Version, string.Join("; ", r.Errors));
            }
        };
        _source.StartWatching();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _source?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _source?.Dispose();

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Policy {Version} in force ({RuleCount} rules)")]
    private static partial void LogLoaded(ILogger logger, string version, int ruleCount);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "Policy change rejected, policy {Version} stays in force: {Errors}")]
    private static partial void LogRejected(ILogger logger, string version, string errors);
}
