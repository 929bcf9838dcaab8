namespace Warden.Storage.Tests.Audit;

/// <summary>
/// The audit contract suite on SQLite with the adaptive hand-off off (<c>CallerCommitMaxRate=0</c>): every awaited
/// append is committed by the writer thread, as before the adaptive hand-off (docs/audit.md, "Group commit").
/// </summary>
public sealed class SqliteWriterThreadAuditStoreTests : SqliteAuditStoreTests
{
    protected override int? CallerCommitMaxRate => 0;
}
