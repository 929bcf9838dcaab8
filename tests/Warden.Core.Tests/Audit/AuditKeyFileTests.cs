using System.Text;
using Warden.Core.Audit;

namespace Warden.Core.Tests.Audit;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AuditKeyFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-keys-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SigningKey_CreatedOwnerOnly_ReloadsSameKeyAndPublicVerifies()
    {
        using var first = AuditSigningKey.LoadOrCreate(_dir);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, AuditSigningKey.PrivateKeyFileName)));
        using var again = AuditSigningKey.LoadOrCreate(_dir);
        Assert.Equal(first.KeyId, again.KeyId);
        var sig = first.Sign("head"u8);
        using var pub = AuditSigningKey.LoadPublic(_dir);
        Assert.False(pub.HasPrivateKey);
        Assert.True(pub.Verify("head"u8, sig));
        Assert.False(pub.Verify("hexd"u8, sig));
        Assert.Throws<InvalidOperationException>(() => pub.Sign("x"u8));
        Assert.DoesNotContain("PRIVATE", File.ReadAllText(Path.Combine(_dir, AuditSigningKey.PublicKeyFileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void SigningKey_WorldReadable_Refused()
    {
        using (AuditSigningKey.LoadOrCreate(_dir))
        {
        }

        File.SetUnixFileMode(Path.Combine(_dir, AuditSigningKey.PrivateKeyFileName), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Throws<InvalidOperationException>(() => AuditSigningKey.LoadOrCreate(_dir));
    }

    [Fact]
    public void ContentKeys_CreatedOwnerOnly_StableHmacNotContainingContent()
    {
        var keys = AuditContentKeys.LoadOrCreate(_dir);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, AuditContentKeys.FileName)));
        var again = AuditContentKeys.LoadOrCreate(_dir);
        var p1 = new AuditContentProtector(keys, null!, TimeProvider.System);
        var p2 = new AuditContentProtector(again, null!, TimeProvider.System);
        var other = new AuditContentProtector(AuditContentKeys.Generate(), null!, TimeProvider.System);
        Assert.Equal(p1.ComputeHmac("secret prompt"), p2.ComputeHmac("secret prompt"));
        Assert.NotEqual(p1.ComputeHmac("secret prompt"), other.ComputeHmac("secret prompt"));
        Assert.Equal(64, p1.ComputeHmac("secret prompt").Length);
        Assert.DoesNotContain("secret", Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(_dir, AuditContentKeys.FileName))), StringComparison.Ordinal);
    }
}
