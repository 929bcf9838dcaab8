using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Warden.Gateway.Hosting;

namespace Warden.Cli.Doctor;

/// <summary>The configuration loads and validates, as <c>warden serve</c> would load it.</summary>
internal sealed class ConfigValidCheck : IDoctorCheck
{
    public string Id => "config";

    public Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken) =>
        Task.FromResult(context.Options is not null
            ? DoctorResult.Pass(Id, File.Exists(context.ConfigFile) ? $"{context.ConfigFile} and WARDEN__* variables load and validate" : "no config file; defaults and WARDEN__* variables validate")
            : DoctorResult.Fail(Id, "configuration is invalid: " + string.Join("; ", context.LoadErrors), "fix the listed settings; warden serve refuses to start with them"));
}

/// <summary>Warden listens on loopback, or only over TLS when it listens beyond loopback.</summary>
internal sealed class BindAddressCheck : IDoctorCheck
{
    public string Id => "bind-address";

    public Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        if (context.Options is null)
        {
            return Task.FromResult(DoctorResult.NotChecked(Id, "the configuration does not load (see 'config')"));
        }

        var exposedPlain = new List<string>();
        var exposed = new List<string>();
        foreach (var url in Urls(context.Options))
        {
            if (!IsLoopback(url))
            {
                exposed.Add(url.OriginalString);
                if (url.Scheme != "https")
                {
                    exposedPlain.Add(url.OriginalString);
                }
            }
        }

        if (exposedPlain.Count > 0)
        {
            return Task.FromResult(DoctorResult.Fail(Id,
                $"listens beyond loopback without TLS: {string.Join(", ", exposedPlain)}",
                "bind to http://127.0.0.1:<port> behind a TLS reverse proxy, or use https:// with a certificate (Warden:Urls)"));
        }

        return Task.FromResult(exposed.Count > 0
            ? DoctorResult.Pass(Id, $"listens beyond loopback only over TLS: {string.Join(", ", exposed)}")
            : DoctorResult.Pass(Id, "listens on loopback only"));
    }

    internal static IEnumerable<Uri> Urls(WardenGatewayOptions options)
    {
        foreach (var raw in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var normalized = raw.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (Uri.TryCreate(normalized, UriKind.Absolute, out var uri))
            {
                yield return uri;
            }
        }
    }

    internal static bool IsLoopback(Uri url)
    {
        var host = url.Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}

/// <summary>Every https:// listener has a certificate that exists.</summary>
internal sealed class TlsCheck : IDoctorCheck
{
    public string Id => "tls";

    public Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        if (context.Options is null)
        {
            return Task.FromResult(DoctorResult.NotChecked(Id, "the configuration does not load (see 'config')"));
        }

        var urls = BindAddressCheck.Urls(context.Options).ToList();
        if (!urls.Any(u => u.Scheme == "https"))
        {
            return Task.FromResult(urls.All(BindAddressCheck.IsLoopback)
                ? DoctorResult.Pass(Id, "no TLS listener; all listeners are loopback (terminate TLS at the reverse proxy that exposes Warden)")
                : DoctorResult.Fail(Id, "Warden is reachable beyond loopback and has no TLS listener", "add an https:// URL with Kestrel:Certificates:Default:Path, or put Warden behind a TLS proxy on loopback"));
        }

        var path = context.Configuration["Kestrel:Certificates:Default:Path"];
        if (string.IsNullOrWhiteSpace(path))
        {
            return Task.FromResult(DoctorResult.Fail(Id, "an https:// listener is configured but Kestrel:Certificates:Default:Path is not set (Kestrel would fall back to a development certificate)",
                "set Kestrel:Certificates:Default:Path (and KeyPath or Password) to the server certificate"));
        }

        return Task.FromResult(File.Exists(path)
            ? DoctorResult.Pass(Id, $"https listener with certificate {path}")
            : DoctorResult.Fail(Id, $"certificate file {path} does not exist", "point Kestrel:Certificates:Default:Path at the certificate file"));
    }
}

/// <summary>An admin key exists in the data directory's database.</summary>
internal sealed class AdminKeyCheck : IDoctorCheck
{
    public string Id => "admin-key";

    public Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var db = WardenPaths.Database(context.DataDirectory);
        if (!File.Exists(db))
        {
            return Task.FromResult(DoctorResult.Fail(Id, $"no database at {db}, so no admin key is set", "run 'warden serve' once: it creates the admin key and prints it once"));
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT EXISTS (SELECT 1 FROM admin_keys)";
            var has = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0;
            return Task.FromResult(has
                ? DoctorResult.Pass(Id, "an admin key is set (only its hash is stored)")
                : DoctorResult.Fail(Id, "the database has no admin key", "restart 'warden serve' to create one"));
        }
        catch (SqliteException ex)
        {
            return Task.FromResult(DoctorResult.Fail(Id, $"cannot read admin keys from {db}: {ex.SqliteErrorCode}", "check the data directory and that the database belongs to this Warden"));
        }
    }
}

/// <summary>No provider API key is written in clear text in the config file.</summary>
internal sealed class ProviderKeysCheck : IDoctorCheck
{
    public string Id => "provider-keys";

    public Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var inFile = PlaintextKeysInFile(context.ConfigFile);
        if (inFile.Count > 0)
        {
            return Task.FromResult(DoctorResult.Fail(Id,
                $"provider key(s) in clear text in {context.ConfigFile}: {string.Join(", ", inFile)}",
                "remove ApiKey from the file and supply it as WARDEN__PROVIDERS__<NAME>__APIKEY (or a secret store); rotate keys that were committed"));
        }

        var stored = UnprotectedStoredKeys(context.DataDirectory, out var storedCount);
        if (stored.Count > 0)
        {
            return Task.FromResult(DoctorResult.Fail(Id,
                $"provider key(s) stored without Data Protection in {Gateway.Hosting.WardenPaths.Database(context.DataDirectory)}: {string.Join(", ", stored)}",
                "re-set them with 'warden providers set-key NAME' (it stores them encrypted) and rotate them at the provider"));
        }

        var providers = context.Options?.Providers.Count ?? 0;
        return Task.FromResult(DoctorResult.Pass(Id,
            $"no provider key in the config file ({providers} provider(s)); {storedCount} stored provider key(s), all encrypted with Data Protection"));
    }

    /// <summary>
    /// Provider names whose stored key is not a Data Protection payload (every protected payload starts with
    /// the base64url of its magic header, <c>CfDJ8</c>).
    /// </summary>
    internal static List<string> UnprotectedStoredKeys(string dataDirectory, out int count)
    {
        count = 0;
        var file = Gateway.Hosting.WardenPaths.Database(dataDirectory);
        var bad = new List<string>();
        if (!File.Exists(file))
        {
            return bad;
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'provider_keys'";
        if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return bad;
        }

        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT provider, protected_key FROM provider_keys ORDER BY provider";
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            count++;
            if (!reader.GetString(1).StartsWith("CfDJ8", StringComparison.Ordinal))
            {
                bad.Add(reader.GetString(0));
            }
        }

        return bad;
    }

    internal static List<string> PlaintextKeysInFile(string path)
    {
        var found = new List<string>();
        if (!File.Exists(path))
        {
            return found;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (Child(doc.RootElement, "Warden") is { } warden && Child(warden, "Providers") is { ValueKind: JsonValueKind.Object } providers)
            {
                foreach (var p in providers.EnumerateObject())
                {
                    if (Child(p.Value, "ApiKey") is { ValueKind: JsonValueKind.String } key && !string.IsNullOrWhiteSpace(key.GetString()))
                    {
                        found.Add(p.Name);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // An unparseable file is reported by the 'config' check.
        }

        return found;
    }

    private static JsonElement? Child(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var p in element.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }
}
