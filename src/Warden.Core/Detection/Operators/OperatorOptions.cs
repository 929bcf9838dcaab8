namespace Warden.Core.Detection.Operators;

/// <summary>Operator settings. Keys are raw bytes (32 bytes for AES-256-GCM; at least 32 for HMAC).</summary>
public sealed record OperatorOptions
{
    public ScrubOperator Operator { get; init; } = ScrubOperator.Redact;

    public char MaskChar { get; init; } = '*';

    /// <summary>How many trailing letters/digits <see cref="ScrubOperator.Mask"/> keeps (only when the value is at least twice as long).</summary>
    public int MaskKeepLast { get; init; } = 4;

#pragma warning disable CA1819 // Keys are byte arrays by nature; the record is an immutable snapshot.
    public byte[]? HashKey { get; init; }

    public byte[]? EncryptionKey { get; init; }
#pragma warning restore CA1819

    /// <summary>Throws when the operator needs a key that is missing or too short.</summary>
    public void Validate()
    {
        if (Operator == ScrubOperator.Hash && (HashKey is null || HashKey.Length < 32))
        {
            throw new ArgumentException("the hash operator needs a key of at least 32 bytes (a bare hash of PII can be brute-forced)");
        }

        if (Operator == ScrubOperator.Encrypt && (EncryptionKey is null || EncryptionKey.Length != 32))
        {
            throw new ArgumentException("the encrypt operator needs a 32-byte AES-256 key");
        }

        if (MaskKeepLast is < 0 or > 16)
        {
            throw new ArgumentException("MaskKeepLast must be within [0, 16]");
        }
    }
}
