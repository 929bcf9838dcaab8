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

    /// <summary>Random keys (not persisted).</summary>
    public static AuditContentKeys Generate()
    {
        Span<byte> k = stackalloc byte[64];
        RandomNumberGenerator.Fill(k);
        return new AuditContentKeys(k[..32], k[32..]);
    }

    /// <summary>Loads or creates (0600) the key file in <paramref name="dataDirectory"/>.</summary>
    public static AuditContentKeys LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            var bytes = RandomNumberGenerator.GetBytes(64);
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var stream = new FileStream(path, options);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Created concurrently: use that one.
            }
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException($"the audit content key {path} is readable by other users; run chmod 600 on it");
        }

        var key = File.ReadAllBytes(path);
        if (key.Length != 64)
        {
            throw new InvalidOperationException($"the audit content key {path} must hold 64 bytes");
        }

        return new AuditContentKeys(key.AsSpan(0, 32), key.AsSpan(32));
    }
}
