using System.Security.Cryptography;
using System.Text;

namespace Warden.Gateway.Providers;

/// <summary>
/// The key-encryption key (KEK) that wraps the Data Protection key ring at rest: 32 random bytes, base64,
/// in a file kept outside the data directory (a mounted secret, a KMS-fetched file). Its id — a short hash,
/// never the key — is written next to every wrapped key so a wrong KEK is named, not guessed.
/// </summary>
internal sealed class KeyEncryptionKey
{
    private KeyEncryptionKey(byte[] key)
    {
        Key = key;
        Id = Convert.ToHexStringLower(SHA256.HashData([.. "warden-kek-id\0"u8, .. key]).AsSpan(0, 8));
    }

    public byte[] Key { get; }

    public string Id { get; }

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
}
