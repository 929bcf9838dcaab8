using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Warden.Core.Identity;

namespace Warden.Gateway.Identity;

/// <summary>
/// Encrypts task-token signing keys at rest: each PKCS#8 private key is protected with ASP.NET Core Data Protection
/// (the key ring in the data directory, itself wrapped by <c>Warden:KeyEncryptionKeyFile</c> when one is set) before
/// the inner store sees it. A copy of <c>warden.db</c> alone therefore cannot mint task tokens, and a row written by
/// someone who can write the database but not the key ring is ignored (authenticated encryption), never trusted.
/// </summary>
internal sealed partial class ProtectedSigningKeyStore(ISigningKeyStore inner, IDataProtectionProvider dataProtection, ILogger<ProtectedSigningKeyStore> logger)
    : ISigningKeyStore
{
    /// <summary>The Data Protection purpose (a change makes every stored key unreadable: keep it).</summary>
    public const string Purpose = "Warden.Identity.TaskTokenSigningKeys.v1";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    public async ValueTask<IReadOnlyList<SigningKeyMaterial>> ListAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var stored = await inner.ListAsync(since, cancellationToken).ConfigureAwait(false);
        var keys = new List<SigningKeyMaterial>(stored.Count);
        foreach (var m in stored)
        {
            try
            {
                keys.Add(m with { Pkcs8PrivateKey = _protector.Unprotect(m.Pkcs8PrivateKey) });
            }
            catch (CryptographicException)
            {
                // Written without this key ring (an unencrypted key from an older version, another key ring,
                // or a forged row): never sign or verify with it. The ring creates a fresh key when none is left.
                Log.UnreadableKey(logger, m.KeyId);
            }
        }

        return keys;
    }

    public ValueTask AddAsync(SigningKeyMaterial key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return inner.AddAsync(key with { Pkcs8PrivateKey = _protector.Protect(key.Pkcs8PrivateKey) }, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Ignored task-token signing key {KeyId}: it is not protected by this gateway's key ring")]
        public static partial void UnreadableKey(ILogger logger, string keyId);
    }
}
