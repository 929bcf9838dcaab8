using System.Collections.Concurrent;
using Warden.Gateway.Hosting;

namespace Warden.Gateway.Providers;

/// <summary>One immutable configuration snapshot: its provider clients and a bounded route cache.</summary>
internal sealed class ProviderRoutes(WardenGatewayOptions options, Dictionary<string, ProviderClient> providers) : IDisposable
{
    private const int MaxCachedRoutes = 4096;
    private readonly ConcurrentDictionary<string, RouteTarget[]> _cache = new(StringComparer.Ordinal);

    public WardenGatewayOptions Options { get; } = options;

    public IReadOnlyDictionary<string, ProviderClient> Providers => providers;

    public RouteTarget[]? Resolve(string model, string? provider)
    {
        if (provider is not null)
        {
            return providers.TryGetValue(provider, out var pinned) ? [new RouteTarget(pinned, model)] : null;
        }

        if (_cache.TryGetValue(model, out var cached))
        {
            return cached;
        }

        var resolved = ResolveUncached(model);
        if (resolved is not null && _cache.Count < MaxCachedRoutes)
        {
            _cache[model] = resolved;
        }

        return resolved;
    }

    public IEnumerable<(string Id, string Provider)> ListModels()
    {
        foreach (var (alias, m) in Options.Models)
        {
            yield return (alias, m.Provider);
        }

        foreach (var p in providers.Values)
        {
            foreach (var m in p.Options.Models)
            {
                yield return (m, p.Name);
            }
        }
    }

    public void Dispose()
    {
        foreach (var p in providers.Values)
        {
            p.Dispose();
        }
    }

    private RouteTarget[]? ResolveUncached(string model)
    {
        if (Options.Models.TryGetValue(model, out var alias) && providers.TryGetValue(alias.Provider, out var primary))
        {
            var list = new List<RouteTarget> { new(primary, alias.Model ?? model) };
            foreach (var f in alias.Fallbacks)
            {
                var slash = f.IndexOf('/', StringComparison.Ordinal);
                if (providers.TryGetValue(f[..slash], out var fp))
                {
                    list.Add(new RouteTarget(fp, f[(slash + 1)..]));
                }
            }

            return [.. list];
        }

        var s = model.IndexOf('/', StringComparison.Ordinal);
        if (s > 0 && s < model.Length - 1 && providers.TryGetValue(model[..s], out var explicitProvider))
        {
            return [new RouteTarget(explicitProvider, model[(s + 1)..])];
        }

        foreach (var p in providers.Values)
        {
            foreach (var m in p.Options.Models)
            {
                if (string.Equals(m, model, StringComparison.Ordinal))
                {
                    return [new RouteTarget(p, model)];
                }
            }
        }

        return null;
    }
}
