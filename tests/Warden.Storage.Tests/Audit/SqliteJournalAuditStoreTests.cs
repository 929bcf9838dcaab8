using Warden.Storage.Sqlite.Audit;

namespace Warden.Storage.Tests.Audit;

/// <summary>
/// The audit contract suite on SQLite with the append journal (the gateway's default for <c>Durability=Process</c>).
/// Folds run only when the suite (or a read, or dispose) asks: the fold interval is an hour, so "the store is
/// unwritable" means what it means with the journal: SQLite refuses writes AND a fold has failed since (the store then
/// fails closed); "repaired" means a fold has succeeded since. Direct reads and tampering of the tables happen after a
/// fold (a record still in the journal is not in a table yet).
/// </summary>
public sealed class SqliteJournalAuditStoreTests : SqliteAuditContractTests
{
    protected override SqliteAuditJournalOptions? Journal(string directory) => new()
    {
        Path = Path.Combine(directory, "warden.db-wlog"),
        FoldInterval = TimeSpan.FromHours(1),
        MaxRetryInterval = TimeSpan.FromHours(1),
        Capacity = 1L << 20,
        ResetBytes = 64 * 1024,
    };

    protected override void BeforeDirectAccess()
    {
        foreach (var store in Stores)
        {
            store.FoldNow();
        }
    }

    protected override async Task BreakWritesAsync()
    {
        await ExecDirectAsync("CREATE TRIGGER audit_block BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'audit store unwritable'); END;");
        foreach (var store in Stores)
        {
            Assert.False(store.FoldNow(), "the suite breaks writes after an append: that record is unfolded and its fold must fail");
        }
    }

    protected override async Task RepairWritesAsync()
    {
        await ExecDirectAsync("DROP TRIGGER audit_block");
        foreach (var store in Stores)
        {
            Assert.True(store.FoldNow());
        }
    }
}
