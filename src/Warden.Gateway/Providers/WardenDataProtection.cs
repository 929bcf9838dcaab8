using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Warden.Gateway.Hosting;

namespace Warden.Gateway.Providers;

/// <summary>
/// The one Data Protection setup (application name + key ring in the data directory), shared by the host and
/// the CLI. With a key-encryption key file the key ring is itself encrypted at rest (<see cref="KeyRingXmlEncryptor"/>);
/// without one it relies on owner-only file permissions, and <c>warden doctor</c> says so.
/// </summary>
public static class WardenDataProtection
{
    /// <summary>Creates the provider for <paramref name="dataDirectory"/>, wrapping keys under the KEK in <paramref name="keyEncryptionKeyFile"/> when given.</summary>
    /// <exception cref="InvalidOperationException">The KEK file is unreadable or malformed, or the key ring cannot be opened with it.</exception>
    public static IDataProtectionProvider Create(string dataDirectory, string? keyEncryptionKeyFile = null)
    {
        var kek = string.IsNullOrWhiteSpace(keyEncryptionKeyFile) ? null : KeyEncryptionKey.Load(keyEncryptionKeyFile);
        var provider = DataProtectionProvider.Create(new DirectoryInfo(WardenPaths.KeyRing(dataDirectory)), b =>
        {
            b.SetApplicationName("warden");
            if (kek is not null)
            {
                b.Services.AddSingleton(kek);
                b.Services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new KeyRingXmlEncryptor(kek));
            }
        });

        // Open the ring now: a wrong or missing KEK must stop start-up with its reason, not surface later as
        // provider keys that silently fail to decrypt (Data Protection would just create a fresh key). A small
        // payload protected on first start must still open.
        var probePath = Path.Combine(Path.GetFullPath(dataDirectory), "keyring-probe");
        var probe = provider.CreateProtector("Warden.KeyRing.Probe");
        try
        {
            if (File.Exists(probePath))
            {
                _ = probe.Unprotect(File.ReadAllText(probePath));
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(probePath)!);
                File.WriteAllText(probePath, probe.Protect("warden"));
            }
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException("cannot open the Data Protection key ring: " + Explain(dataDirectory, kek) + " (" + ex.Message + ")", ex);
        }

        return provider;
    }

    /// <summary>Whether any key in the ring is stored unwrapped (readable by whoever can read the files).</summary>
    public static bool HasUnwrappedKeys(string dataDirectory) =>
        KeyFiles(dataDirectory).Any(f => !File.ReadAllText(f).Contains("<wardenWrappedKey", StringComparison.Ordinal));

    private static string Explain(string dataDirectory, KeyEncryptionKey? kek)
    {
        var wrappedWith = KeyFiles(dataDirectory).Select(f => KekIdOf(File.ReadAllText(f))).OfType<string>().Distinct().ToList();
        var configured = kek is null ? "none is configured" : $"{kek.Id} is configured";
        return wrappedWith.Count == 0
            ? $"data written earlier cannot be decrypted with this key ring ({configured})"
            : $"the keys are wrapped with key-encryption key {string.Join(", ", wrappedWith)} but {configured}";
    }

    private static string? KekIdOf(string xml)
    {
        const string Marker = "kekId=\"";
        var i = xml.IndexOf(Marker, StringComparison.Ordinal);
        return i < 0 || i + Marker.Length + 16 > xml.Length ? null : xml.Substring(i + Marker.Length, 16);
    }

    private static IEnumerable<string> KeyFiles(string dataDirectory)
    {
        var dir = WardenPaths.KeyRing(dataDirectory);
        return Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "*.xml") : [];
    }
}
