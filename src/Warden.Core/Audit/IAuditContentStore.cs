namespace Warden.Core.Audit;

/// <summary>Storage of captured (encrypted) content, separate from the chain, with retention.</summary>
public interface IAuditContentStore
{
    /// <summary>Stores (or replaces) a captured blob.</summary>
    Task PutContentAsync(CapturedContent content, CancellationToken cancellationToken);

    /// <summary>The blob for an HMAC, or null.</summary>
    Task<CapturedContent?> GetContentAsync(string contentHmac, CancellationToken cancellationToken);

    /// <summary>Deletes every blob whose retention ended at or before <paramref name="now"/>; returns how many.</summary>
    Task<int> DeleteExpiredContentAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
