using Microsoft.Extensions.Configuration;

namespace Warden.Gateway.Hosting;

/// <summary>Files in the data directory, and its resolution for CLI commands.</summary>
public static class WardenPaths
{
    /// <summary>The SQLite database file.</summary>
    public static string Database(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), "warden.db");

    /// <summary>The ASP.NET Core Data Protection key ring.</summary>
    public static string KeyRing(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), "keys");

    /// <summary>
    /// The data directory for a CLI command: <paramref name="flag"/> if given, else <c>Warden:DataDirectory</c>
    /// from ./appsettings.json and <c>WARDEN__DATADIRECTORY</c>, else <c>./.warden</c>.
    /// </summary>
    public static string ResolveDataDirectory(string? flag)
    {
        if (!string.IsNullOrWhiteSpace(flag))
        {
            return flag;
        }

        var dir = CliConfiguration()["Warden:DataDirectory"];
        return string.IsNullOrWhiteSpace(dir) ? new WardenGatewayOptions().DataDirectory : dir;
    }

    /// <summary>The key-encryption key file for a CLI command (<c>Warden:KeyEncryptionKeyFile</c>, as <see cref="ResolveDataDirectory"/>).</summary>
    public static string? ResolveKeyEncryptionKeyFile()
    {
        var file = CliConfiguration()["Warden:KeyEncryptionKeyFile"];
        return string.IsNullOrWhiteSpace(file) ? null : file;
    }

    /// <summary>The configuration a CLI command reads: ./appsettings.json and <c>WARDEN__*</c> environment variables.</summary>
    public static IConfigurationRoot CliConfiguration() => new ConfigurationBuilder()
        .SetBasePath(Directory.GetCurrentDirectory())
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();
}
