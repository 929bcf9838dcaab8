namespace Warden.Gateway.Detection;

/// <summary>Limits and keys for <c>POST /api/scrub</c>.</summary>
public sealed record ScrubEndpointOptions
{
    /// <summary>Largest request body accepted (bytes); larger gets 413.</summary>
    public long MaxBodyBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>Most messages in one request.</summary>
    public int MaxMessages { get; init; } = 1000;

#pragma warning disable CA1819 // Immutable snapshot of raw key bytes.
    /// <summary>HMAC key for the hash operator (at least 32 bytes). Random per process when null: hashes then link only within one run.</summary>
    public byte[]? HashKey { get; init; }

    /// <summary>AES-256-GCM key for the encrypt operator (32 bytes). Random per process when null.</summary>
    public byte[]? EncryptionKey { get; init; }
#pragma warning restore CA1819

    public void Validate()
    {
        if (MaxBodyBytes < 1024 || MaxMessages < 1)
        {
            throw new ArgumentException("scrub endpoint: MaxBodyBytes must be >= 1024 and MaxMessages >= 1");
        }

        if (HashKey is { Length: < 32 } || EncryptionKey is { Length: not 32 })
        {
            throw new ArgumentException("scrub endpoint: HashKey needs >= 32 bytes, EncryptionKey exactly 32");
        }
    }
}
