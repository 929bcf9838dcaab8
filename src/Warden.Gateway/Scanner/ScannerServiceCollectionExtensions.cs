using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Warden.Gateway.Hosting;
using Warden.Scanner;
using Warden.Scanner.Targets;

namespace Warden.Gateway.Scanner;

/// <summary>Registers the OpenClaw scanner endpoint's services.</summary>
public static class ScannerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the scanner limits (from <c>Warden:Scanner</c>: <c>ProbeTimeoutSeconds</c>, <c>Concurrency</c>,
    /// <c>MaxHosts</c>, <c>DeadlineSeconds</c>, <c>ProbesPerSecond</c>, <c>MaxConcurrentScans</c>),
    /// validated whole; invalid values stop start-up with the list of problems.
    /// </summary>
    public static IServiceCollection AddWardenScanner(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var options = Bind(configuration?.GetSection(ScannerEndpointOptions.SectionName));
        services.AddSingleton(options);
        services.AddSingleton(new ScanGate(options.MaxConcurrentScans));
        services.AddMetrics();
        services.AddSingleton<ScannerMetrics>();
        return services;
    }

    internal static ScannerEndpointOptions Bind(IConfigurationSection? section)
    {
        var defaults = new ScanOptions { Networks = new TargetNetworkPolicy { Denied = TargetNetworkPolicy.MetadataAndLinkLocal } };
        if (section is null || !section.Exists())
        {
            return new ScannerEndpointOptions { Limits = defaults };
        }

        var networkErrors = new List<string>();
        List<IPNetwork> Networks(string key)
        {
            var list = new List<IPNetwork>();
            foreach (var child in section.GetSection(key).GetChildren())
            {
                if (IPNetwork.TryParse(child.Value ?? "", out var n))
                {
                    list.Add(n);
                }
                else
                {
                    networkErrors.Add($"{ScannerEndpointOptions.SectionName}:{key}:{child.Key} '{child.Value}' is not a CIDR range (e.g. 10.0.0.0/8)");
                }
            }

            return list;
        }

        double? Num(string key)
        {
            var v = section[key];
            if (v is null)
            {
                return null;
            }

            return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d
                : throw new WardenConfigurationException([$"{ScannerEndpointOptions.SectionName}:{key} must be a number"]);
        }

        var limits = defaults with
        {
            ProbeTimeout = Num("ProbeTimeoutSeconds") is { } t ? TimeSpan.FromSeconds(t) : defaults.ProbeTimeout,
            Concurrency = Num("Concurrency") is { } c ? (int)c : defaults.Concurrency,
            MaxHosts = Num("MaxHosts") is { } h ? (int)h : defaults.MaxHosts,
            Deadline = Num("DeadlineSeconds") is { } d ? TimeSpan.FromSeconds(d) : defaults.Deadline,
            ProbesPerSecond = Num("ProbesPerSecond") ?? defaults.ProbesPerSecond,
            Networks = new TargetNetworkPolicy
            {
                Allowed = Networks("AllowedNetworks"),
                Denied = [.. TargetNetworkPolicy.MetadataAndLinkLocal, .. Networks("DeniedNetworks")],
            },
        };
        if (limits.FirstFrameWait > limits.ProbeTimeout)
        {
            limits = limits with { FirstFrameWait = limits.ProbeTimeout / 2 };
        }

        var maxScans = Num("MaxConcurrentScans") is { } m ? (int)m : 2;
        var errors = limits.Validate().Select(e => $"{ScannerEndpointOptions.SectionName}: {e}").Concat(networkErrors).ToList();
        if (maxScans is < 1 or > 64)
        {
            errors.Add($"{ScannerEndpointOptions.SectionName}:MaxConcurrentScans must be between 1 and 64");
        }

        if (errors.Count > 0)
        {
            throw new WardenConfigurationException(errors);
        }

        return new ScannerEndpointOptions { Limits = limits, MaxConcurrentScans = maxScans };
    }
}

/// <summary>Bounds the number of scans running at once.</summary>
internal sealed class ScanGate(int slots) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(slots, slots);

    public bool TryEnter() => _slots.Wait(0);

    public void Exit() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
