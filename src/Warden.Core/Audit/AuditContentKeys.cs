using System.Security.Cryptography;

namespace Warden.Core.Audit;

/// <summary>
/// The two content keys: HMAC-SHA256 (correlation hash recorded in the chain) and AES-256-GCM
/// (captured content). Kept in <c>audit-content.key</c> (64 random bytes, mode 0600) or provided.
/// </summary>
public sealed class AuditContentKeys
{
    /// <summary>File name inside the data directory.</summary>
    public const string FileName = "audit-content.key";

    private readonly byte[] _hmacKey;
    private readonly byte[] _encryptionKey;

    public AuditContentKeys(ReadOnlySpan<byte> hmacKey, ReadOnlySpan<byte> encryptionKey)
    {
        if (hmacKey.Length < 32 || encryptionKey.Length != 32)
        {
            throw new ArgumentException("content keys: HMAC key of at least 32 bytes and a 32-byte AES key are required");
        }

        _hmacKey = hmacKey.ToArray();
        _encryptionKey = encryptionKey.ToArray();
    }

    internal ReadOnlySpan<byte> HmacKey => _hmacKey;

    internal ReadOnlySpan<byte> EncryptionKey => _encryptionKey;

    /// <summary>
    /// A 32-byte key for another keyed hash Warden computes (e.g. end-user ids sent to providers), derived from the HMAC key
    /// and <paramref name="purpose"/> (HMAC-SHA256 of the purpose), so no two uses share a key and none is the content key.
    /// </summary>
    public byte[] DeriveKey(string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        return System.Security.Cryptography.HMACSHA256.HashData(_hmacKey, System.Text.Encoding.UTF8.GetBytes("warden/derive/" + purpose));
    }

    /// <summary>Random keys (not persisted).</summary>
    public static AuditContentKeys Generate()
    {
        Span<byte> k = stackalloc byte[64];
        RandomNumberGenerator.Fill(k);
        return new AuditContentKeys(k[..32], k[32..]);
    }

    /// <summary>Loads or creates (0600) the key file in <paramref name="dataDirectory"/>, wrapped when a <paramref name="wrapper"/> is given.</summary>
    public static AuditContentKeys LoadOrCreate(string dataDirectory, IKeyWrapper? wrapper = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var key = KeyFile.LoadOrCreate(path, "warden-audit-content-keys", wrapper, () => RandomNumberGenerator.GetBytes(64), "the audit content key");
        if (key.Length != 64)
        {
            throw new InvalidOperationException($"the audit content key {path} must hold 64 bytes");
        }

        var keys = new AuditContentKeys(key.AsSpan(0, 32), key.AsSpan(32));
        CryptographicOperations.ZeroMemory(key);
        return keys;
    }
}
