using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Warden.Core.Identity;

/// <summary>
/// The rotating ES256 keys. The newest key signs until it is <see cref="TaskTokenOptions.KeyRotationPeriod"/>
/// old; older keys keep verifying for one rotation period plus the longest token lifetime and skew.
/// Keys are shared through <see cref="ISigningKeyStore"/>, so a key created by one replica verifies on all.
/// </summary>
public sealed class SigningKeyRing : IDisposable
{
    private readonly ISigningKeyStore _store;
    private readonly TaskTokenOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile KeySnapshot _snapshot = new([], DateTimeOffset.MinValue);

    /// <summary>Creates the ring (no I/O until first use).</summary>
    public SigningKeyRing(ISigningKeyStore store, TaskTokenOptions options, TimeProvider time)
    {
        _store = store;
        _options = options;
        _time = time;
    }

    private TimeSpan Retention => _options.KeyRotationPeriod + _options.MaxLifetime + _options.ClockSkew;

    /// <summary>The key to sign with now (rotating when due).</summary>
    public async ValueTask<ECDsaSecurityKey> GetSigningKeyAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var snap = _snapshot;
        if (snap.Keys.Count > 0 && now - snap.Keys[0].CreatedAt < _options.KeyRotationPeriod)
        {
            return snap.Keys[0].Key;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReloadAsync(now, cancellationToken).ConfigureAwait(false);
            snap = _snapshot;
            if (snap.Keys.Count == 0 || now - snap.Keys[0].CreatedAt >= _options.KeyRotationPeriod)
            {
                using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var material = new SigningKeyMaterial(UserKeys.Base64Url(RandomNumberGenerator.GetBytes(12)), now, ecdsa.ExportPkcs8PrivateKey());
                await _store.AddAsync(material, cancellationToken).ConfigureAwait(false);
                await ReloadAsync(now, cancellationToken).ConfigureAwait(false);
                snap = _snapshot;
            }

            return snap.Keys[0].Key;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>The verification key with this id, reloading from the store once when unknown (a key another replica made).</summary>
    public async ValueTask<ECDsaSecurityKey?> FindVerificationKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var found = Find(_snapshot, keyId);
        if (found is not null)
        {
            return found;
        }

        var now = _time.GetUtcNow();
        if (now - _snapshot.LoadedAt < TimeSpan.FromSeconds(1))
        {
            return null; // unknown kids must not turn into a store lookup per request
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReloadAsync(now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refresh.Release();
        }

        return Find(_snapshot, keyId);
    }

    /// <summary>Looks up a key already loaded (no I/O).</summary>
    internal ECDsaSecurityKey? TryGetLoaded(string keyId) => Find(_snapshot, keyId);

    /// <summary>The JWKS document (public parts only) of every key that may still verify.</summary>
    public async ValueTask<byte[]> GetJwksAsync(CancellationToken cancellationToken)
    {
        await GetSigningKeyAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var k in _snapshot.Keys)
            {
                var p = k.Key.ECDsa.ExportParameters(includePrivateParameters: false);
                writer.WriteStartObject();
                writer.WriteString("kty", "EC");
                writer.WriteString("crv", "P-256");
                writer.WriteString("use", "sig");
                writer.WriteString("alg", "ES256");
                writer.WriteString("kid", k.Key.KeyId);
                writer.WriteString("x", UserKeys.Base64Url(p.Q.X));
                writer.WriteString("y", UserKeys.Base64Url(p.Q.Y));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var k in _snapshot.Keys)
        {
            k.Key.ECDsa.Dispose();
        }

        _refresh.Dispose();
    }

    private static ECDsaSecurityKey? Find(KeySnapshot snap, string keyId)
    {
        foreach (var k in snap.Keys)
        {
            if (string.Equals(k.Key.KeyId, keyId, StringComparison.Ordinal))
            {
                return k.Key;
            }
        }

        return null;
    }

    private async Task ReloadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = await _store.ListAsync(now - Retention, cancellationToken).ConfigureAwait(false);
        var old = _snapshot;
        var keys = new List<LoadedKey>(stored.Count);
        foreach (var m in stored)
        {
            var existing = Find(old, m.KeyId);
            if (existing is null)
            {
                var ecdsa = ECDsa.Create();
                ecdsa.ImportPkcs8PrivateKey(m.Pkcs8PrivateKey, out _);
                existing = new ECDsaSecurityKey(ecdsa) { KeyId = m.KeyId };
            }

            keys.Add(new LoadedKey(existing, m.CreatedAt));
        }

        // Keys dropped from the ring are not disposed: an in-flight validation may still hold them.
        _snapshot = new KeySnapshot(keys, now);
    }

    private sealed record LoadedKey(ECDsaSecurityKey Key, DateTimeOffset CreatedAt);

    private sealed record KeySnapshot(IReadOnlyList<LoadedKey> Keys, DateTimeOffset LoadedAt);
}
