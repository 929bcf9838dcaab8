using System.Collections.Concurrent;
using Warden.Gateway.Hosting;

namespace Warden.Gateway.Providers;

/// <summary>
/// The configured providers and model routing. A requested model resolves, in order, to: a model
/// alias (with its ordered fallbacks); <c>provider/model</c>; or the first provider listing the model.
/// </summary>
internal sealed class ProviderRegistry : IDisposable
{
    private const int MaxCachedRoutes = 4096;
    private readonly Dictionary<string, ProviderClient> _providers = new(StringComparer.OrdinalIgnoreCase);
    private readonly WardenGatewayOptions _options;
    private readonly ConcurrentDictionary<string, RouteTarget[]> _routes = new(StringComparer.Ordinal);

    public ProviderRegistry(WardenGatewayOptions options, ProviderKeyVault vault, IEnumerable<ProviderHandlerOverride> overrides)
    {
        _options = options;
        var handlerOverrides = overrides.ToDictionary(o => o.Provider, o => o.Handler, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, p) in options.Providers)
        {
            HttpMessageHandler? handler = p.Type == "echo" ? new EchoProviderHandler() : handlerOverrides.GetValueOrDefault(name);
            _providers[name] = new ProviderClient(name, p, p.Type == "echo" ? null : vault.GetKey(name, p), options.EgressAllowlist, handler);
        }
    }

    public IReadOnlyDictionary<string, ProviderClient> Providers => _providers;

    /// <summary>The targets for <paramref name="model"/> (optionally pinned to <paramref name="provider"/>), or null when unknown.</summary>
    public RouteTarget[]? Resolve(string model, string? provider)
    {
        if (provider is not null)
        {
            return _providers.TryGetValue(provider, out var pinned) ? [new RouteTarget(pinned, model)] : null;
        }

        if (_routes.TryGetValue(model, out var cached))
        {
            return cached;
        }

        var resolved = ResolveUncached(model);
        if (resolved is not null && _routes.Count < MaxCachedRoutes)
        {
            _routes[model] = resolved;
        }

        return resolved;
    }

    private RouteTarget[]? ResolveUncached(string model)
    {
        if (_options.Models.TryGetValue(model, out var alias) && _providers.TryGetValue(alias.Provider, out var primary))
        {
            var list = new List<RouteTarget> { new(primary, alias.Model ?? model) };
            foreach (var f in alias.Fallbacks)
            {
                var slash = f.IndexOf('/', StringComparison.Ordinal);
                if (_providers.TryGetValue(f[..slash], out var fp))
                {
                    list.Add(new RouteTarget(fp, f[(slash + 1)..]));
                }
            }

            return [.. list];
        }

        var s = model.IndexOf('/', StringComparison.Ordinal);
        if (s > 0 && s < model.Length - 1 && _providers.TryGetValue(model[..s], out var explicitProvider))
        {
            return [new RouteTarget(explicitProvider, model[(s + 1)..])];
        }

        foreach (var p in _providers.Values)
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

    /// <summary>Every model name a caller can use (aliases and listed provider models).</summary>
    public IEnumerable<(string Id, string Provider)> ListModels()
    {
        foreach (var (alias, m) in _options.Models)
        {
            yield return (alias, m.Provider);
        }

        foreach (var p in _providers.Values)
        {
            foreach (var m in p.Options.Models)
            {
                yield return (m, p.Name);
            }
        }
    }

    public void Dispose()
    {
        foreach (var p in _providers.Values)
        {
            p.Dispose();
        }
    }
}
