namespace Warden.Core.Audit;

/// <summary>
/// Wraps key material at rest under a key-encryption key kept outside the data directory (Warden's implementation:
/// <c>Warden:KeyEncryptionKeyFile</c>, AES-256-GCM). Implement it to wrap with a KMS or an HSM instead.
/// </summary>
public interface IKeyWrapper
{
    /// <summary>A short, non-secret id of the wrapping key, written next to what it wraps so a wrong key is named.</summary>
    string Id { get; }

    /// <summary>Encrypts and authenticates <paramref name="plaintext"/>, bound to <paramref name="purpose"/>.</summary>
    byte[] Wrap(ReadOnlySpan<byte> plaintext, string purpose);

    /// <summary>Reverses <see cref="Wrap"/>; throws <see cref="System.Security.Cryptography.CryptographicException"/> if it was not wrapped by this key for this purpose.</summary>
    byte[] Unwrap(ReadOnlySpan<byte> wrapped, string purpose);
}
