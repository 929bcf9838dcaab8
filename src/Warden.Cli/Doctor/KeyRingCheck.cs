using Warden.Gateway.Hosting;
using Warden.Gateway.Providers;

namespace Warden.Cli.Doctor;

/// <summary>The Data Protection key ring (which decrypts provider keys) is itself encrypted at rest under a KEK kept elsewhere.</summary>
internal sealed class KeyRingCheck : IDoctorCheck
{
    public string Id => "key-ring";

    public Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var ring = WardenPaths.KeyRing(context.DataDirectory);
        if (string.IsNullOrWhiteSpace(context.Options?.KeyEncryptionKeyFile))
        {
            return Task.FromResult(DoctorResult.Warn(Id,
                $"the key ring {ring} is protected by file permissions only: anyone who can read the data directory can decrypt the provider keys",
                "set Warden:KeyEncryptionKeyFile to a 32-byte base64 key kept outside the data directory (a mounted secret): `openssl rand -base64 32`"));
        }

        if (WardenDataProtection.HasUnwrappedKeys(context.DataDirectory))
        {
            return Task.FromResult(DoctorResult.Warn(Id,
                $"a key-encryption key is configured but {ring} still holds keys created before it, in clear",
                "they expire after 90 days; to re-protect now, stop Warden, move the old key files away and set the provider keys again"));
        }

        return Task.FromResult(DoctorResult.Pass(Id, $"every key in {ring} is wrapped with the key-encryption key"));
    }
}
