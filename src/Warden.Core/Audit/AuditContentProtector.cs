using System.Security.Cryptography;
using System.Text;

namespace Warden.Core.Audit;

/// <summary>
/// Turns prompt/response text into what the trail may hold: a keyed HMAC for correlation. When the
/// capture policy covers the agent or task, the text is also encrypted (AES-256-GCM) into the
/// content store, apart from the chain, until its retention ends.
/// </summary>
public sealed class AuditContentProtector(AuditContentKeys keys, IAuditContentStore store, TimeProvider time)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Lower-case hex HMAC-SHA256 of the UTF-8 content (never the content).</summary>
    public string ComputeHmac(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var bytes = Encoding.UTF8.GetBytes(content);
        try
        {
            return Convert.ToHexStringLower(HMACSHA256.HashData(keys.HmacKey, bytes));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Returns the content's HMAC; stores it encrypted only when <paramref name="policy"/> captures this agent/task.</summary>
    public async Task<string> ProtectAsync(string content, ContentCapturePolicy policy, string? agentId, string? taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(policy);
        return await ProtectAsync(content, policy.ShouldCapture(agentId, taskId), policy.Retention, cancellationToken);
    }

    /// <summary>Returns the content's HMAC; when <paramref name="capture"/> is true also stores it encrypted for <paramref name="retention"/>.</summary>
    public async Task<string> ProtectAsync(string content, bool capture, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var hmac = ComputeHmac(content);
        if (!capture)
        {
            return hmac;
        }

        var plain = Encoding.UTF8.GetBytes(content);
        try
        {
            var nonce = RandomNumberGenerator.GetBytes(NonceSize);
            var cipher = new byte[plain.Length];
            var tag = new byte[TagSize];
            using (var aes = new AesGcm(keys.EncryptionKey, TagSize))
            {
                aes.Encrypt(nonce, plain, cipher, tag, Encoding.ASCII.GetBytes(hmac));
            }

            var now = time.GetUtcNow();
            await store.PutContentAsync(new CapturedContent(hmac, now, now + retention, nonce, cipher, tag), cancellationToken);
            return hmac;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Decrypts captured content (admin use), or null when none is kept (never captured or expired).</summary>
    public async Task<string?> RevealAsync(string contentHmac, CancellationToken cancellationToken)
    {
        var blob = await store.GetContentAsync(contentHmac, cancellationToken);
        if (blob is null || blob.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }

        var plain = new byte[blob.Ciphertext.Length];
        using var aes = new AesGcm(keys.EncryptionKey, TagSize);
        aes.Decrypt(blob.Nonce, blob.Ciphertext, blob.Tag, plain, Encoding.ASCII.GetBytes(blob.ContentHmac));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>Deletes content whose retention has ended. The chain is untouched and still verifies.</summary>
    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken) =>
        store.DeleteExpiredContentAsync(time.GetUtcNow(), cancellationToken);
}
