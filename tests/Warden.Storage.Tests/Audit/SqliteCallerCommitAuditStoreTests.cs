namespace Warden.Storage.Tests.Audit;

/// <summary>
/// The audit contract suite on SQLite with <c>CallerCommits</c> on: a caller that finds nobody committing commits its
/// own batch on its own thread (off by default; docs/audit.md, "Group commit").
/// </summary>
public sealed class SqliteCallerCommitAuditStoreTests : SqliteAuditStoreTests
{
    protected override bool CallerCommits => true;
}
