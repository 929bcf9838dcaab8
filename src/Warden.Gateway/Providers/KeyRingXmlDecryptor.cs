using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Warden.Gateway.Providers;

/// <summary>Unwraps keys written by <see cref="KeyRingXmlEncryptor"/>; created by Data Protection from the key file.</summary>
internal sealed class KeyRingXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var kekId = (string?)encryptedElement.Attribute("kekId") ?? "";
        var kek = services.GetService<KeyEncryptionKey>()
            ?? throw new CryptographicException($"the key ring is encrypted (key-encryption key {kekId}); set Warden:KeyEncryptionKeyFile");
        if (!string.Equals(kek.Id, kekId, StringComparison.Ordinal))
        {
            throw new CryptographicException($"the key ring was encrypted with key-encryption key {kekId}, but {kek.Id} is configured");
        }

        var sealedBytes = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? "");
        if (sealedBytes.Length < KeyRingXmlEncryptor.NonceSize + KeyRingXmlEncryptor.TagSize)
        {
            throw new CryptographicException("a wrapped Data Protection key is truncated");
        }

        var plain = new byte[sealedBytes.Length - KeyRingXmlEncryptor.NonceSize - KeyRingXmlEncryptor.TagSize];
        try
        {
            using var aes = new AesGcm(kek.Key, KeyRingXmlEncryptor.TagSize);
            aes.Decrypt(
                sealedBytes.AsSpan(0, KeyRingXmlEncryptor.NonceSize),
                sealedBytes.AsSpan(KeyRingXmlEncryptor.NonceSize + KeyRingXmlEncryptor.TagSize),
                sealedBytes.AsSpan(KeyRingXmlEncryptor.NonceSize, KeyRingXmlEncryptor.TagSize),
                plain,
                Encoding.ASCII.GetBytes(kekId));
            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
