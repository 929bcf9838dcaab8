using System.Security.Cryptography;
using System.Text;
using Warden.Core.Audit;

namespace Warden.Gateway.Providers;

/// <summary>
/// The key-encryption key (KEK) that wraps the Data Protection key ring at rest: 32 random bytes, base64,
/// in a file kept outside the data directory (a mounted secret, a KMS-fetched file). Its id — a short hash,
/// never the key — is written next to every wrapped key so a wrong KEK is named, not guessed. It also wraps the
/// audit signing and content keys (<see cref="IKeyWrapper"/>).
/// </summary>
internal sealed class KeyEncryptionKey : IKeyWrapper
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private KeyEncryptionKey(byte[] key)
    {
        Key = key;
        Id = Convert.ToHexStringLower(SHA256.HashData([.. "warden-kek-id\0"u8, .. key]).AsSpan(0, 8));
    }

    public byte[] Key { get; }

    public string Id { get; }

    /// <summary>The KEK in <paramref name="path"/>, or null when no file is configured.</summary>
    public static KeyEncryptionKey? LoadOptional(string? path) => string.IsNullOrWhiteSpace(path) ? null : Load(path);

    /// <summary>Reads and checks the file; throws <see cref="InvalidOperationException"/> with a one-line reason.</summary>
    public static KeyEncryptionKey Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.ASCII).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot read the key-encryption key file '{path}' ({ex.GetType().Name})", ex);
        }

        var buffer = new byte[48];
        if (!Convert.TryFromBase64String(text, buffer, out var written) || written != 32)
        {
            throw new InvalidOperationException($"the key-encryption key file '{path}' must hold 32 random bytes in base64 (e.g. `openssl rand -base64 32`)");
        }

        return new KeyEncryptionKey(buffer[..32]);
    }

    public byte[] Wrap(ReadOnlySpan<byte> plaintext, string purpose) => Seal(plaintext, AssociatedData(purpose));

    public byte[] Unwrap(ReadOnlySpan<byte> wrapped, string purpose) => Open(wrapped, AssociatedData(purpose));

    /// <summary>AES-256-GCM under the KEK: nonce ‖ tag ‖ ciphertext, authenticated with <paramref name="associatedData"/>.</summary>
    internal byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var sealedBytes = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), associatedData);
        return sealedBytes;
    }

    /// <summary>Reverses <see cref="Seal"/>; throws <see cref="CryptographicException"/> when truncated, altered or sealed under another key or data.</summary>
    internal byte[] Open(ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associatedData)
    {
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("the wrapped key is truncated");
        }

        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(Key, TagSize);
        aes.Decrypt(sealedBytes[..NonceSize], sealedBytes[(NonceSize + TagSize)..], sealedBytes.Slice(NonceSize, TagSize), plain, associatedData);
        return plain;
    }

    // Binds the KEK id and the purpose: a wrapped audit key cannot be swapped for another wrapped key.
    private byte[] AssociatedData(string purpose) => Encoding.UTF8.GetBytes("warden-key-file\0" + Id + "\0" + purpose);
}
