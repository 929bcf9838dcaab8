using Warden.Gateway.Providers;

namespace Warden.Gateway.Hosting;

/// <summary>Validates a <see cref="WardenGatewayOptions"/> snapshot whole.</summary>
internal static class WardenGatewayOptionsValidator
{
    internal static readonly string[] ProviderTypes = ["openai", "anthropic", "groq", "azure-openai", "openai-compatible", "echo"];

    public static IReadOnlyList<string> Validate(WardenGatewayOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Urls))
        {
            errors.Add("Warden:Urls is empty");
        }
        else
        {
            foreach (var url in o.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
                {
                    errors.Add($"Warden:Urls: '{url}' is not an http(s) URL");
                }
            }
        }

        if (string.IsNullOrWhiteSpace(o.DataDirectory))
        {
            errors.Add("Warden:DataDirectory is empty");
        }

        if (!string.IsNullOrWhiteSpace(o.KeyEncryptionKeyFile))
        {
            var kekPath = Path.GetFullPath(o.KeyEncryptionKeyFile);
            if (!File.Exists(kekPath))
            {
                errors.Add($"Warden:KeyEncryptionKeyFile '{o.KeyEncryptionKeyFile}' does not exist");
            }
            else if (!string.IsNullOrWhiteSpace(o.DataDirectory)
                && kekPath.StartsWith(o.DataDirectoryFullPath.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                errors.Add("Warden:KeyEncryptionKeyFile must not be inside the data directory (it would sit next to what it protects)");
            }
            else
            {
                try
                {
                    _ = KeyEncryptionKey.Load(kekPath);
                }
                catch (InvalidOperationException ex)
                {
                    errors.Add("Warden:KeyEncryptionKeyFile: " + ex.Message);
                }
            }
        }

        if (o.MaxRequestBodyBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            errors.Add("Warden:MaxRequestBodyBytes must be between 1 KB and 1 GB");
        }

        if (o.MaxAttempts is < 1 or > 10)
        {
            errors.Add("Warden:MaxAttempts must be between 1 and 10");
        }

        if (o.AuthCacheSeconds is < 0 or > 3600)
        {
            errors.Add("Warden:AuthCacheSeconds must be between 0 and 3600");
        }

        foreach (var (name, p) in o.Providers)
        {
            ValidateProvider(o, name, p, errors);
        }

        foreach (var (alias, m) in o.Models)
        {
            if (!o.Providers.ContainsKey(m.Provider))
            {
                errors.Add($"Warden:Models:{alias}: unknown provider '{m.Provider}'");
            }

            foreach (var f in m.Fallbacks)
            {
                var slash = f.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0 || slash == f.Length - 1 || !o.Providers.ContainsKey(f[..slash]))
                {
                    errors.Add($"Warden:Models:{alias}: fallback '{f}' must be 'provider/model' with a configured provider");
                }
            }
        }

        return errors;
    }

    private static void ValidateProvider(WardenGatewayOptions o, string name, ProviderOptions p, List<string> errors)
    {
        var prefix = $"Warden:Providers:{name}";
        if (name.Contains('/', StringComparison.Ordinal) || string.IsNullOrWhiteSpace(name))
        {
            errors.Add($"{prefix}: provider names cannot be empty or contain '/'");
        }

        if (Array.IndexOf(ProviderTypes, p.Type) < 0)
        {
            errors.Add($"{prefix}:Type '{p.Type}' is not one of {string.Join(", ", ProviderTypes)}");
            return;
        }

        if (p.ConnectTimeoutSeconds <= 0 || p.FirstByteTimeoutSeconds <= 0 || p.TotalTimeoutSeconds <= 0)
        {
            errors.Add($"{prefix}: timeouts must be positive");
        }

        if (p.EndUserId.ToUpperInvariant() is not ("STRIP" or "HASH" or "PASS"))
        {
            errors.Add($"{prefix}:EndUserId must be strip, hash or pass");
        }

        if (p.Type == "echo")
        {
            return;
        }

        var baseUrl = ProviderDefaults.BaseUrl(p);
        if (baseUrl is null || !Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri))
        {
            errors.Add($"{prefix}:BaseUrl is required for type {p.Type}");
            return;
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        {
            errors.Add($"{prefix}:BaseUrl must be https (plain http only to loopback)");
        }

        if (!EgressAllowlist.IsAllowed(o.EgressAllowlist, uri.Host))
        {
            errors.Add($"{prefix}:BaseUrl host '{uri.Host}' is outside Warden:EgressAllowlist");
        }

        if (p.ForwardProxy is not null
            && (!Uri.TryCreate(p.ForwardProxy, UriKind.Absolute, out var proxy) || proxy.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{prefix}:ForwardProxy must be an http:// URL of an HTTP CONNECT proxy");
        }

        if (p.Agents is { Count: 0 })
        {
            errors.Add($"{prefix}:Agents is empty; list agent names or '*'");
        }
    }
}
