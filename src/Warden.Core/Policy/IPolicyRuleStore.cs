namespace Warden.Core.Policy;

/// <summary>
/// Durable store of the rules created through the admin API, shared by every replica. Every change bumps a
/// revision; a replica compares revisions to know when to reload. Writes are optimistic: a change made against an
/// older revision than the store's is refused (null), so two admins cannot silently overwrite each other.
/// Implementations: <c>Warden.Storage.Sqlite.Policy.SqlitePolicyRuleStore</c>, <c>Warden.Storage.Postgres.Policy.PostgresPolicyRuleStore</c>.
/// </summary>
public interface IPolicyRuleStore
{
    /// <summary>The current revision (0 when nothing was ever stored).</summary>
    Task<long> GetRevisionAsync(CancellationToken cancellationToken);

    /// <summary>Every stored rule in creation order, with the revision they belong to.</summary>
    Task<PolicyRuleSnapshot> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Creates or replaces <paramref name="rule"/> (a replaced rule keeps its position) if the revision is still <paramref name="expectedRevision"/>; returns the new revision, or null on a conflict.</summary>
    Task<long?> SaveAsync(PolicyRuleDefinition rule, long expectedRevision, CancellationToken cancellationToken);

    /// <summary>Deletes rule <paramref name="id"/> if the revision is still <paramref name="expectedRevision"/>; returns the new revision, or null on a conflict.</summary>
    Task<long?> DeleteAsync(string id, long expectedRevision, CancellationToken cancellationToken);
}
