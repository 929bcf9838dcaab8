using Microsoft.Extensions.Configuration;
using Warden.Gateway.Providers;

namespace Warden.Gateway.Hosting;

/// <summary>Binds and validates <see cref="WardenGatewayOptions"/> from configuration.</summary>
internal static class WardenOptionsLoader
{
    /// <summary>Binds the <c>Warden</c> section; throws <see cref="WardenConfigurationException"/> listing every problem.</summary>
    public static WardenGatewayOptions Load(IConfiguration configuration)
    {
        var section = configuration.GetSection(WardenGatewayOptions.SectionName);
        var bound = section.Get<WardenGatewayOptions>(o => o.ErrorOnUnknownConfiguration = false) ?? new WardenGatewayOptions();
        var providers = new Dictionary<string, ProviderOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, p) in bound.Providers)
        {
            providers[name.ToLowerInvariant()] = p with { Type = p.Type.ToLowerInvariant() };
        }

        if (bound.Demo && !providers.ContainsKey("echo"))
        {
            providers["echo"] = new ProviderOptions { Type = "echo", Models = ["echo"] };
        }

        var models = new Dictionary<string, ModelAliasOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var (alias, m) in bound.Models)
        {
            models[alias] = m with { Provider = m.Provider.ToLowerInvariant() };
        }

        var options = bound with { Providers = providers, Models = models };
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new WardenConfigurationException(errors);
        }

        return options;
    }
}
