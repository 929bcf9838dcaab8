using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Warden.Gateway.Hosting;

/// <summary>
/// JSON configuration files that reload on change by polling that one file (every 4 s) instead of the framework's
/// default FileSystemWatcher, which watches the file's whole directory tree recursively: with the data directory
/// under it (the default <c>./.warden</c>), every SQLite/WAL write became an event the host had to process.
/// </summary>
public static class WatchedJsonFile
{
    /// <summary>Adds <paramref name="path"/> (must exist unless <paramref name="optional"/>) as a polled, reloading JSON source.</summary>
    public static IConfigurationBuilder AddWatchedJsonFile(this IConfigurationBuilder builder, string path, bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(Source(Path.GetFullPath(path), optional));
        return builder;
    }

    /// <summary>Replaces the host's default <c>appsettings*.json</c> sources (added without reload) by polled, reloading ones, in place.</summary>
    internal static void ReplaceDefaultAppSettings(IConfigurationBuilder builder, string contentRoot)
    {
        for (var i = 0; i < builder.Sources.Count; i++)
        {
            if (builder.Sources[i] is JsonConfigurationSource { Path: { } p } json
                && p.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase)
                && !Path.IsPathRooted(p))
            {
                builder.Sources[i] = Source(Path.Combine(contentRoot, p), json.Optional);
            }
        }
    }

    private static JsonConfigurationSource Source(string fullPath, bool optional)
    {
        var provider = new PhysicalFileProvider(Path.GetDirectoryName(fullPath)!)
        {
            UsePollingFileWatcher = true,
            UseActivePolling = true,
        };
        return new JsonConfigurationSource
        {
            FileProvider = provider,
            Path = Path.GetFileName(fullPath),
            Optional = optional,
            ReloadOnChange = true,
            ReloadDelay = 250,
        };
    }
}
