using Microsoft.AspNetCore.DataProtection;
using Warden.Storage.Sqlite.ProviderKeys;

namespace Warden.Gateway.Providers;

/// <summary>
/// Provider keys at rest: encrypted with ASP.NET Core Data Protection (key ring in
/// <c>&lt;data&gt;/keys</c>) and stored in <c>provider_keys</c>. A key given in configuration
/// (<c>Warden:Providers:NAME:ApiKey</c>, typically from <c>WARDEN__PROVIDERS__NAME__APIKEY</c>) is
/// encrypted into the store at start-up; otherwise the stored key is used. Decrypted keys live only
/// in memory inside <see cref="ProviderClient"/>; no API returns them and nothing logs them.
/// </summary>
internal sealed class ProviderKeyVault(IDataProtectionProvider dataProtection, SqliteProviderKeyStore store)
{
    public const string Purpose = "Warden.ProviderKeys.v1";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    /// <summary>Encrypts and stores <paramref name="apiKey"/> for <paramref name="provider"/>.</summary>
    public void SetKey(string provider, string apiKey) => store.Set(provider.ToLowerInvariant(), _protector.Protect(apiKey));

    /// <summary>Deletes the stored key of <paramref name="provider"/>.</summary>
    public bool DeleteKey(string provider) => store.Delete(provider.ToLowerInvariant());

    /// <summary>Providers with a stored key.</summary>
    public IReadOnlyList<string> ListStored() => store.List();

    /// <summary>The key for a provider: the configured one (stored encrypted on the way), else the stored one, else null.</summary>
    public string? GetKey(string provider, ProviderOptions options)
    {
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            var stored = store.Get(provider);
            if (stored is null || !string.Equals(SafeUnprotect(stored), options.ApiKey, StringComparison.Ordinal))
            {
                SetKey(provider, options.ApiKey);
            }

            return options.ApiKey;
        }

        var protectedKey = store.Get(provider);
        return protectedKey is null ? null : SafeUnprotect(protectedKey);
    }

    private string? SafeUnprotect(string protectedKey)
    {
        try
        {
            return _protector.Unprotect(protectedKey);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
