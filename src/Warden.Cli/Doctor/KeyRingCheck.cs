using Warden.Core.Audit;
using Warden.Gateway.Hosting;
using Warden.Gateway.Providers;

namespace Warden.Cli.Doctor;

/// <summary>
/// The Data Protection key ring (which decrypts provider keys and task-token signing keys) and the audit signing and
/// content keys are encrypted at rest under a KEK kept elsewhere.
/// </summary>
internal sealed class KeyRingCheck : IDoctorCheck
{
    public string Id => "key-ring";

    public Task<DoctorResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var ring = WardenPaths.KeyRing(context.DataDirectory);
        if (string.IsNullOrWhiteSpace(context.Options?.KeyEncryptionKeyFile))
        {
            return Task.FromResult(DoctorResult.Warn(Id,
                $"the key ring {ring} and the audit keys are protected by file permissions only: anyone who can read the data directory can decrypt the provider keys, mint task tokens and re-sign the audit trail",
                "set Warden:KeyEncryptionKeyFile to a 32-byte base64 key kept outside the data directory (a mounted secret): `openssl rand -base64 32`"));
        }

        if (WardenDataProtection.HasUnwrappedKeys(context.DataDirectory))
        {
            return Task.FromResult(DoctorResult.Warn(Id,
                $"a key-encryption key is configured but {ring} still holds keys created before it, in clear",
                "they expire after 90 days; to re-protect now, stop Warden, move the old key files away and set the provider keys again"));
        }

        var clear = new[] { AuditSigningKey.PrivateKeyFileName, AuditContentKeys.FileName }
            .Select(f => Path.Combine(context.DataDirectory, f))
            .Where(f => File.Exists(f) && !KeyFile.IsWrapped(f))
            .ToList();
        if (clear.Count > 0)
        {
            return Task.FromResult(DoctorResult.Warn(Id,
                $"a key-encryption key is configured but {string.Join(", ", clear)} is still in clear",
                "start the gateway once with the key-encryption key: it wraps the audit keys in place"));
        }

        return Task.FromResult(DoctorResult.Pass(Id, $"every key in {ring} and the audit keys are wrapped with the key-encryption key"));
    }
}
