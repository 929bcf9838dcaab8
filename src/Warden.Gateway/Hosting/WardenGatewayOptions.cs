using Warden.Gateway.Providers;

namespace Warden.Gateway.Hosting;

/// <summary>
/// The gateway's configuration, bound from the <c>Warden</c> section (appsettings.json,
/// <c>WARDEN__*</c> environment variables, <c>warden serve</c> flags). An immutable snapshot,
/// validated whole by <see cref="Validate"/>.
/// </summary>
public sealed record WardenGatewayOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Warden";

    /// <summary>Listen URLs, separated by <c>;</c>.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary>Data directory: SQLite database, Data Protection key ring.</summary>
    public string DataDirectory { get; init; } = "./.warden";

    /// <summary>Largest accepted request body; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Registers the offline <c>echo</c> provider and a demo agent.</summary>
    public bool Demo { get; init; }

    /// <summary>How long an authenticated key stays cached in memory (seconds; 0 disables the cache).</summary>
    public int AuthCacheSeconds { get; init; } = 30;

    /// <summary>Upstream attempts per request, fallbacks included (the retry budget).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Hosts Warden may connect to (exact, or <c>*.suffix</c>). Provider base URLs outside are rejected at load.</summary>
    public IReadOnlyList<string> EgressAllowlist { get; init; } = [];

    /// <summary>Providers by name.</summary>
    public IReadOnlyDictionary<string, ProviderOptions> Providers { get; init; } = new Dictionary<string, ProviderOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Model aliases by name: a model name callers use, mapped to a provider (and fallbacks).</summary>
    public IReadOnlyDictionary<string, ModelAliasOptions> Models { get; init; } = new Dictionary<string, ModelAliasOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A file (outside the data directory) holding a 32-byte base64 key-encryption key that wraps the Data Protection
    /// key ring at rest. Unset: the ring relies on owner-only file permissions (<c>warden doctor</c> warns).
    /// </summary>
    public string? KeyEncryptionKeyFile { get; init; }

    /// <summary>Full path of the data directory.</summary>
    public string DataDirectoryFullPath => Path.GetFullPath(DataDirectory);

    /// <summary>Returns every problem with this snapshot (empty when valid).</summary>
    public IReadOnlyList<string> Validate() => WardenGatewayOptionsValidator.Validate(this);
}
