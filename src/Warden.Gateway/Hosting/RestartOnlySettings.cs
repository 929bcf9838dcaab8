namespace Warden.Gateway.Hosting;

/// <summary>
/// Settings that are read once at start-up (listen URLs, data directory, body limit, demo mode, auth cache,
/// retry budget, key-encryption key). A reload keeps their current values and names the ones that changed.
/// </summary>
internal static class RestartOnlySettings
{
    public static (WardenGatewayOptions Merged, IReadOnlyList<string> Ignored) Keep(WardenGatewayOptions current, WardenGatewayOptions next)
    {
        var ignored = new List<string>();
        Check(current.Urls != next.Urls, nameof(WardenGatewayOptions.Urls), ignored);
        Check(current.DataDirectoryFullPath != next.DataDirectoryFullPath, nameof(WardenGatewayOptions.DataDirectory), ignored);
        Check(current.MaxRequestBodyBytes != next.MaxRequestBodyBytes, nameof(WardenGatewayOptions.MaxRequestBodyBytes), ignored);
        Check(current.Demo != next.Demo, nameof(WardenGatewayOptions.Demo), ignored);
        Check(current.AuthCacheSeconds != next.AuthCacheSeconds, nameof(WardenGatewayOptions.AuthCacheSeconds), ignored);
        Check(current.MaxAttempts != next.MaxAttempts, nameof(WardenGatewayOptions.MaxAttempts), ignored);
        Check(current.KeyEncryptionKeyFile != next.KeyEncryptionKeyFile, nameof(WardenGatewayOptions.KeyEncryptionKeyFile), ignored);
        var merged = next with
        {
            Urls = current.Urls,
            DataDirectory = current.DataDirectory,
            MaxRequestBodyBytes = current.MaxRequestBodyBytes,
            Demo = current.Demo,
            AuthCacheSeconds = current.AuthCacheSeconds,
            MaxAttempts = current.MaxAttempts,
            KeyEncryptionKeyFile = current.KeyEncryptionKeyFile,
        };
        return (merged, ignored);
    }

    private static void Check(bool changed, string name, List<string> ignored)
    {
        if (changed)
        {
            ignored.Add(name);
        }
    }
}
