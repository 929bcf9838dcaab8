namespace Warden.Core.Screening;

/// <summary>Sanitizer settings (immutable snapshot).</summary>
public sealed record SanitizerOptions
{
    /// <summary>Hosts that links and images may point to with data in the URL. A leading "." allows subdomains.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Alt text longer than this (characters) is treated as stuffing.</summary>
    public int MaxAltTextChars { get; init; } = 125;

    /// <summary>Bound on the text kept per hidden payload.</summary>
    public int MaxPayloadChars { get; init; } = 4096;

    /// <summary>Bound on the number of hidden payloads kept per document (findings are still all reported).</summary>
    public int MaxPayloads { get; init; } = 64;

    /// <summary>Encoded blobs shorter than this are ignored.</summary>
    public int MinBlobChars { get; init; } = 24;

    /// <summary>Encoded blobs longer than this are not decoded (they are reported and removed).</summary>
    public int MaxBlobChars { get; init; } = 64 * 1024;

    /// <summary>Bound on the number of findings recorded per document (the rest are counted in the last one).</summary>
    public int MaxFindings { get; init; } = 1000;

    /// <summary>Validates the snapshot as a whole.</summary>
    public void Validate()
    {
        if (MaxAltTextChars < 1 || MaxPayloadChars < 16 || MaxPayloads < 1 || MinBlobChars < 8 || MaxBlobChars < MinBlobChars || MaxFindings < 1)
        {
            throw new ArgumentException("sanitizer options out of range");
        }

        foreach (var h in AllowedHosts)
        {
            if (string.IsNullOrWhiteSpace(h) || h.Contains('/', StringComparison.Ordinal) || h.Contains(':', StringComparison.Ordinal))
            {
                throw new ArgumentException($"allowed host '{h}' must be a bare host name");
            }
        }
    }
}
