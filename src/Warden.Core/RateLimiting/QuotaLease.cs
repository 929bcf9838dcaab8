using System.Threading.RateLimiting;

namespace Warden.Core.RateLimiting;

/// <summary>The lease of a <see cref="QuotaRateLimiter"/>: acquired or not, with <see cref="MetadataName.RetryAfter"/> when refused.</summary>
internal sealed class QuotaLease(bool acquired, TimeSpan retryAfter, long used) : RateLimitLease
{
    /// <summary>Metadata name of the window's total after the call.</summary>
    public const string UsedMetadata = "USED";

    private static readonly string[] AcquiredNames = [UsedMetadata];
    private static readonly string[] RefusedNames = [MetadataName.RetryAfter.Name, UsedMetadata];

    public override bool IsAcquired => acquired;

    public override IEnumerable<string> MetadataNames => acquired ? AcquiredNames : RefusedNames;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (!acquired && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = retryAfter;
            return true;
        }

        if (metadataName == UsedMetadata)
        {
            metadata = used;
            return true;
        }

        metadata = null;
        return false;
    }
}
