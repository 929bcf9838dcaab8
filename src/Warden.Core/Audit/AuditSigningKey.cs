using System.Security.Cryptography;

namespace Warden.Core.Audit;

/// <summary>
/// The ECDSA P-256 key that signs checkpoints. The private key lives in a PKCS#8 PEM file readable
/// by its owner only (0600); verification needs only the public key (SubjectPublicKeyInfo PEM).
/// </summary>
public sealed class AuditSigningKey : IDisposable
{
    /// <summary>File name of the private key inside the data directory.</summary>
    public const string PrivateKeyFileName = "audit-signing-key.pem";

    /// <summary>File name of the public key inside the data directory.</summary>
    public const string PublicKeyFileName = "audit-signing-key.pub.pem";

    private readonly ECDsa _key;

    private AuditSigningKey(ECDsa key, bool hasPrivateKey)
    {
        _key = key;
        HasPrivateKey = hasPrivateKey;
        var spki = key.ExportSubjectPublicKeyInfo();
        KeyId = Convert.ToHexStringLower(SHA256.HashData(spki))[..16];
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>First 16 hex chars of SHA-256 over the SubjectPublicKeyInfo.</summary>
    public string KeyId { get; }

    /// <summary>The public key, PEM.</summary>
    public string PublicKeyPem { get; }

    /// <summary>Whether this instance can sign.</summary>
    public bool HasPrivateKey { get; }

    /// <summary>A new random key (not persisted).</summary>
    public static AuditSigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), true);

    /// <summary>A key from a PKCS#8 (or SEC1) private key PEM.</summary>
    public static AuditSigningKey FromPrivateKeyPem(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return Checked(key, true);
    }

    /// <summary>A verify-only key from a SubjectPublicKeyInfo PEM.</summary>
    public static AuditSigningKey FromPublicKeyPem(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return Checked(key, false);
    }

    /// <summary>
    /// Loads <c>audit-signing-key.pem</c> from <paramref name="dataDirectory"/>, creating it (mode 0600)
    /// and its public counterpart on first use. Refuses a private key file other users can read. With a
    /// <paramref name="wrapper"/> the private key is stored wrapped (see <see cref="IKeyWrapper"/>).
    /// </summary>
    public static AuditSigningKey LoadOrCreate(string dataDirectory, IKeyWrapper? wrapper = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var pem = KeyFile.LoadOrCreate(
            Path.Combine(dataDirectory, PrivateKeyFileName),
            "warden-audit-signing-key",
            wrapper,
            () =>
            {
                using var fresh = Generate();
                return System.Text.Encoding.ASCII.GetBytes(fresh._key.ExportPkcs8PrivateKeyPem());
            },
            "the audit signing key");
        var key = FromPrivateKeyPem(System.Text.Encoding.ASCII.GetString(pem));
        CryptographicOperations.ZeroMemory(pem);
        var publicPath = Path.Combine(dataDirectory, PublicKeyFileName);
        if (!File.Exists(publicPath) || File.ReadAllText(publicPath) != key.PublicKeyPem)
        {
            File.WriteAllText(publicPath, key.PublicKeyPem);
        }

        return key;
    }

    /// <summary>Loads the public key from a data directory (verify-only).</summary>
    public static AuditSigningKey LoadPublic(string dataDirectory)
    {
        var publicPath = Path.Combine(dataDirectory, PublicKeyFileName);
        if (File.Exists(publicPath))
        {
            return FromPublicKeyPem(File.ReadAllText(publicPath));
        }

        throw new FileNotFoundException($"no audit public key at {publicPath}");
    }

    /// <summary>Signs <paramref name="data"/> (ECDSA P-256, SHA-256, IEEE P1363 64-byte signature).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        if (!HasPrivateKey)
        {
            throw new InvalidOperationException("this audit key is verify-only");
        }

        return _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Checks a signature made by <see cref="Sign"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == 64 && _key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose() => _key.Dispose();

    private static AuditSigningKey Checked(ECDsa key, bool requirePrivate)
    {
        var p = key.ExportParameters(false);
        if (p.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            key.Dispose();
            throw new CryptographicException("the audit key must be ECDSA P-256");
        }

        return new AuditSigningKey(key, requirePrivate);
    }
}
