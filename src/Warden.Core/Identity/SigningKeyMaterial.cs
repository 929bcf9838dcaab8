namespace Warden.Core.Identity;

/// <summary>
/// One stored ES256 signing key: its id, when it was created, and its PKCS#8 private key.
/// The private key never leaves the store and the key ring; the JWKS publishes only x and y.
/// </summary>
public sealed record SigningKeyMaterial(string KeyId, DateTimeOffset CreatedAt, byte[] Pkcs8PrivateKey);
