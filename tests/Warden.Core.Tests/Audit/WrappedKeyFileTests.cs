using System.Security.Cryptography;
using System.Text;
using Warden.Core.Audit;

namespace Warden.Core.Tests.Audit;

/// <summary>Audit key files wrapped under a key-encryption key: created wrapped, migrated in place, refused without the right key.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WrappedKeyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("warden-wrapped-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string SigningKeyPath => Path.Combine(_dir, AuditSigningKey.PrivateKeyFileName);

    [Fact]
    public void SigningKey_WithWrapper_StoredWrappedOwnerOnlyAndReloadsSameKey()
    {
        var kek = new TestWrapper();
        string keyId;
        using (var first = AuditSigningKey.LoadOrCreate(_dir, kek))
        {
            keyId = first.KeyId;
        }

        var text = File.ReadAllText(SigningKeyPath);
        Assert.StartsWith("warden-wrapped-key v1\nkek: " + kek.Id, text, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SigningKeyPath));
        using var again = AuditSigningKey.LoadOrCreate(_dir, kek);
        Assert.Equal(keyId, again.KeyId);
    }

    [Fact]
    public void SigningKey_PlaintextFromBefore_WrappedInPlaceKeepingTheKey()
    {
        string keyId;
        using (var plain = AuditSigningKey.LoadOrCreate(_dir))
        {
            keyId = plain.KeyId;
        }

        Assert.Contains("PRIVATE KEY", File.ReadAllText(SigningKeyPath), StringComparison.Ordinal);
        var kek = new TestWrapper();
        using (var migrated = AuditSigningKey.LoadOrCreate(_dir, kek))
        {
            Assert.Equal(keyId, migrated.KeyId);
        }

        Assert.DoesNotContain("PRIVATE KEY", File.ReadAllText(SigningKeyPath), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SigningKeyPath));
        Assert.False(File.Exists(SigningKeyPath + ".wrapping"));
        using var reloaded = AuditSigningKey.LoadOrCreate(_dir, kek);
        Assert.Equal(keyId, reloaded.KeyId);
    }

    [Fact]
    public void SigningKey_WrappedButNoOrWrongKek_RefusedNamingTheKekItNeeds()
    {
        var kek = new TestWrapper();
        AuditSigningKey.LoadOrCreate(_dir, kek).Dispose();
        var before = File.ReadAllBytes(SigningKeyPath);

        var none = Assert.Throws<InvalidOperationException>(() => AuditSigningKey.LoadOrCreate(_dir));
        Assert.Contains("wrapped by key-encryption key " + kek.Id + "; set Warden:KeyEncryptionKeyFile", none.Message, StringComparison.Ordinal);
        var other = new TestWrapper();
        var wrong = Assert.Throws<InvalidOperationException>(() => AuditSigningKey.LoadOrCreate(_dir, other));
        Assert.Contains($"wrapped by key-encryption key {kek.Id}, not by the configured {other.Id}", wrong.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(SigningKeyPath)); // never replaced
    }

    [Fact]
    public void ContentKeys_WrappedFileTampered_RefusedAsChangedOrCorrupt()
    {
        var kek = new TestWrapper();
        var keys = AuditContentKeys.LoadOrCreate(_dir, kek);
        var path = Path.Combine(_dir, AuditContentKeys.FileName);
        var protector = new AuditContentProtector(keys, null!, TimeProvider.System);
        var again = new AuditContentProtector(AuditContentKeys.LoadOrCreate(_dir, kek), null!, TimeProvider.System);
        Assert.Equal(protector.ComputeHmac("same prompt"), again.ComputeHmac("same prompt"));

        var lines = File.ReadAllText(path).Split('\n');
        var sealedBytes = Convert.FromBase64String(lines[3]);
        sealedBytes[^1] ^= 1;
        lines[3] = Convert.ToBase64String(sealedBytes);
        File.WriteAllText(path, string.Join('\n', lines));
        var ex = Assert.Throws<InvalidOperationException>(() => AuditContentKeys.LoadOrCreate(_dir, kek));
        Assert.Contains("does not open with key-encryption key " + kek.Id, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>AES-GCM under a random key, bound to the purpose, as the gateway's KEK does.</summary>
    private sealed class TestWrapper : IKeyWrapper
    {
        private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

        public string Id { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

        public byte[] Wrap(ReadOnlySpan<byte> plaintext, string purpose)
        {
            var output = new byte[28 + plaintext.Length];
            RandomNumberGenerator.Fill(output.AsSpan(0, 12));
            using var aes = new AesGcm(_key, 16);
            aes.Encrypt(output.AsSpan(0, 12), plaintext, output.AsSpan(28), output.AsSpan(12, 16), Encoding.UTF8.GetBytes(purpose));
            return output;
        }

        public byte[] Unwrap(ReadOnlySpan<byte> wrapped, string purpose)
        {
            var plain = new byte[wrapped.Length - 28];
            using var aes = new AesGcm(_key, 16);
            aes.Decrypt(wrapped[..12], wrapped[28..], wrapped.Slice(12, 16), plain, Encoding.UTF8.GetBytes(purpose));
            return plain;
        }
    }
}
