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

        var plain = kek.Open(Convert.FromBase64String((string?)encryptedElement.Element("value") ?? ""), Encoding.ASCII.GetBytes(kekId));
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
