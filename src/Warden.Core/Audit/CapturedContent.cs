namespace Warden.Core.Audit;

/// <summary>
/// Encrypted captured content, stored apart from the chain and keyed by its HMAC (the value the
/// chain records). AES-256-GCM; the HMAC is the associated data, so a blob cannot be moved to
/// another record.
/// </summary>
public sealed record CapturedContent(string ContentHmac, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, byte[] Nonce, byte[] Ciphertext, byte[] Tag);
