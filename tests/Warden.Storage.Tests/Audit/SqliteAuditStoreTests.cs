using Warden.Core.Audit;

namespace Warden.Storage.Tests.Audit;

/// <summary>The audit contract suite on a real SQLite file (WAL), plain (no append journal).</summary>
public class SqliteAuditStoreTests : SqliteAuditContractTests
{
    [Fact]
    public async Task Append_CommitRunningWhileAnotherCallerAppends_BothAcknowledgedInOrder()
    {
        var store = await CreatedStoreAsync();
        await using (var trail = NewTrail(store, new AuditTrailOptions()))
        {
            Assert.Equal(1, await trail.AppendAsync(Event(1), default)); // opens the writer connection
            long second;
            using (var blocker = Database.Open())
            {
                using (var begin = blocker.CreateCommand())
                {
                    begin.CommandText = "BEGIN IMMEDIATE"; // holds SQLite's write lock: the next commit waits in its BEGIN
                    begin.ExecuteNonQuery();
                }

                var first = Task.Run(async () => await trail.AppendAsync(Event(2), default));
                await Task.Delay(200); // the first append now leads, blocked in its transaction
                var pending = trail.AppendAsync(Event(3), default); // finds that commit running: spins, then hands off
                Assert.False(pending.IsCompleted, "acknowledged while the store's write lock was held by another connection");
                Assert.False(first.IsCompleted);
                using (var commit = blocker.CreateCommand())
                {
                    commit.CommandText = "COMMIT";
                    commit.ExecuteNonQuery();
                }

                Assert.Equal(2, await first);
                second = await pending;
            }

            Assert.Equal(3, second);
            Assert.Equal(4, await trail.AppendAsync(Event(4), default)); // the trail is idle again and still leads correctly
        }

        var result = await Verify(store);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(4, result.RecordsChecked);
    }
}
