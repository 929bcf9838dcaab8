using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Warden.Gateway.Providers;

/// <summary>
/// Wraps each Data Protection key with AES-256-GCM under the <see cref="KeyEncryptionKey"/> before it is
/// written to <c>&lt;data&gt;/keys</c>. The KEK id is bound into the tag as associated data.
/// </summary>
internal sealed class KeyRingXmlEncryptor(KeyEncryptionKey kek) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = kek.Seal(plain, Encoding.ASCII.GetBytes(kek.Id));
        CryptographicOperations.ZeroMemory(plain);
        var element = new XElement("wardenWrappedKey",
            new XComment(" Data Protection key wrapped with AES-256-GCM under the Warden key-encryption key "),
            new XAttribute("kekId", kek.Id),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(KeyRingXmlDecryptor));
    }
}
