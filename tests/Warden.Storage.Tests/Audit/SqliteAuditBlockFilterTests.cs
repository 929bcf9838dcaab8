using System.Text;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Storage.Tests.Audit;

/// <summary>
/// Agent/user/task queries on SQLite go through per-block Bloom filters instead of B-tree indexes. Over several
/// thousand records (many complete blocks plus a partial one) every query must return exactly what a naive filter
/// over all records returns: right after writing, after a restart (the partial block rebuilt from its rows), and on
/// a trail whose filters are missing (written before they existed: scanned, then built when the writer opens).
/// Time bounds go through each block's timestamp range the same way (timestamps here step back now and then, as a
/// clock can), and a trail written with the old <c>ts_ms</c> index gets its ranges, then loses the index, when the
/// writer opens.
/// </summary>
public sealed class SqliteAuditBlockFilterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-audit-blocks-" + Guid.NewGuid().ToString("N"));
    private readonly List<AuditRecordToStore> _written = [];
    private readonly Random _random = new(42);
    private readonly SqliteDatabase _db;

    public SqliteAuditBlockFilterTests()
    {
        _db = new SqliteDatabase(Path.Combine(_dir, "warden.db"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Query_ManyBlocks_SameAsNaiveFilter()
    {
        using (var store = await OpenAsync())
        {
            await AppendAsync(store, 5000);
            Assert.Equal(5000 / SqliteAuditBlockFilter.BlockSize, Count("SELECT count(*) FROM audit_blocks"));
            await AssertQueriesMatchAsync(store);
        }

        using (var reopened = await OpenAsync())
        {
            await AssertQueriesMatchAsync(reopened); // before the writer opens
            await AppendAsync(reopened, 700); // the partial block is rebuilt from its rows, then completed
            Assert.Equal(5700 / SqliteAuditBlockFilter.BlockSize, Count("SELECT count(*) FROM audit_blocks"));
            await AssertQueriesMatchAsync(reopened);
        }
    }

    [Fact]
    public async Task Query_TrailWithoutFilters_ScansThenBuildsThem()
    {
        using (var store = await OpenAsync())
        {
            await AppendAsync(store, 3000);
        }

        Exec("DELETE FROM audit_blocks");
        using var reopened = await OpenAsync();
        await AssertQueriesMatchAsync(reopened); // no filters at all: everything is the tail
        await AppendAsync(reopened, 1);
        Assert.Equal(2, Count("SELECT count(*) FROM audit_blocks"));
        await AssertQueriesMatchAsync(reopened);
    }

    [Fact]
    public async Task EnsureCreated_OldSchemaWithKeyIndexes_DropsThemAndQueriesStillWork()
    {
        Exec("CREATE TABLE audit_records (seq INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL, type TEXT NOT NULL, agent_id TEXT NULL, user_id TEXT NULL, " +
             "task_id TEXT NULL, decision TEXT NULL, provider TEXT NULL, hash BLOB NOT NULL, body BLOB NOT NULL); " +
             "CREATE INDEX ix_audit_records_agent ON audit_records (agent_id, seq) WHERE agent_id IS NOT NULL;");
        using var store = await OpenAsync();
        Assert.Equal(0, Count("SELECT count(*) FROM sqlite_master WHERE name = 'ix_audit_records_agent'"));
        await AppendAsync(store, 1500);
        await AssertQueriesMatchAsync(store);
    }

    [Fact]
    public async Task EnsureCreated_NewTrail_HasNoTimestampIndex()
    {
        using var store = await OpenAsync();
        await AppendAsync(store, 10);
        Assert.Equal(0, Count("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_records'"));
    }

    [Fact]
    public async Task Writer_OldTrailWithTimestampIndex_BackfillsRangesThenDropsIndex()
    {
        using (var store = await OpenAsync())
        {
            await AppendAsync(store, 3000);
        }

        // The previous version's layout: filters for the complete blocks, no ranges, the ts_ms index.
        Exec("DROP TABLE audit_block_times; CREATE INDEX ix_audit_records_ts ON audit_records (ts_ms);");
        using var reopened = await OpenAsync();
        Assert.Equal(1, Count("SELECT count(*) FROM sqlite_master WHERE name = 'ix_audit_records_ts'")); // readers keep it
        Assert.Equal(0, Count("SELECT count(*) FROM audit_block_times"));
        await AssertQueriesMatchAsync(reopened); // no ranges yet: time-bounded queries scan
        await AppendAsync(reopened, 1); // the writer opens: ranges of blocks 0 and 1 from their rows, then the index goes
        Assert.Equal(0, Count("SELECT count(*) FROM sqlite_master WHERE name = 'ix_audit_records_ts'"));
        Assert.Equal(2, Count("SELECT count(*) FROM audit_block_times"));
        Assert.Equal(_written.Take(1024).Min(r => r.Timestamp.ToUnixTimeMilliseconds()), Count("SELECT ts_min FROM audit_block_times WHERE block = 0"));
        Assert.Equal(_written.Skip(1024).Take(1024).Max(r => r.Timestamp.ToUnixTimeMilliseconds()), Count("SELECT ts_max FROM audit_block_times WHERE block = 1"));
        await AppendAsync(reopened, 1400);
        Assert.Equal(4, Count("SELECT count(*) FROM audit_block_times"));
        await AssertQueriesMatchAsync(reopened);
    }

    [Fact]
    public async Task Query_TimeBounds_SkipBlocksByStoredRange()
    {
        using var store = await OpenAsync();
        await AppendAsync(store, 2500);
        var inBlock1 = new AuditQuery { From = _written[1100].Timestamp, To = _written[1100].Timestamp.AddMilliseconds(1), Limit = 10 };
        Assert.Contains(await store.QueryAsync(inBlock1, default), r => r.Sequence == 1101);

        // A range that says block 1 lies elsewhere in time: the query trusts it and never reads the block's rows
        // (proof that the ranges, not a full scan, decide), while the partial block 2 is still scanned.
        Exec("UPDATE audit_block_times SET ts_min = 0, ts_max = 1 WHERE block = 1");
        Assert.DoesNotContain(await store.QueryAsync(inBlock1, default), r => r.Sequence == 1101);
        var inBlock2 = new AuditQuery { From = _written[2200].Timestamp, To = _written[2200].Timestamp.AddMilliseconds(1), Limit = 10 };
        Assert.Contains(await store.QueryAsync(inBlock2, default), r => r.Sequence == 2201);
    }

    private async Task<SqliteAuditStore> OpenAsync()
    {
        var store = new SqliteAuditStore(_db);
        await store.EnsureCreatedAsync(default);
        return store;
    }

    private async Task AppendAsync(SqliteAuditStore store, int count)
    {
        while (count > 0)
        {
            var n = Math.Min(count, _random.Next(1, 300));
            var batch = new List<AuditRecordToStore>(n);
            for (var i = 0; i < n; i++)
            {
                var seq = _written.Count + 1;
                var e = new AuditEvent
                {
                    Type = _random.Next(4) == 0 ? "policy.decision" : "gateway.request",
                    AgentId = _random.Next(10) == 0 ? null : "agt_" + _random.Next(30),
                    OnBehalfOf = _random.Next(5) == 0 ? null : "user-" + _random.Next(100),
                    TaskId = _random.Next(3) == 0 ? null : "task-" + _random.Next(700),
                    Decision = _random.Next(3) == 0 ? "deny" : "allow",
                    Provider = _random.Next(2) == 0 ? "openai" : "anthropic",
                };
                var record = new AuditRecordToStore(seq, Timestamp(seq), e, new byte[32], Encoding.UTF8.GetBytes("{\"seq\":" + seq + "}"));
                batch.Add(record);
                _written.Add(record);
            }

            await store.AppendAsync(batch, null, default);
            count -= n;
        }
    }

    // 10 ms apart, but every 700th record the clock steps back 3 s (for 40 records): block ranges must not assume order.
    private static DateTimeOffset Timestamp(long seq) =>
        DateTimeOffset.Parse("2026-11-26T00:00:00Z").AddMilliseconds((seq * 10) - (seq % 700 < 40 ? 3000 : 0));

    private async Task AssertQueriesMatchAsync(SqliteAuditStore store)
    {
        var queries = new List<AuditQuery>();
        for (var i = 0; i < 60; i++)
        {
            var sample = _written[_random.Next(_written.Count)].Event;
            DateTimeOffset? from = i % 17 == 0 ? DateTimeOffset.Parse("2026-11-26T00:00:01Z") : i % 6 == 5 ? RandomTime() : null;
            DateTimeOffset? to = i % 8 == 3 ? RandomTime() : null;
            if (from > to)
            {
                (from, to) = (to, from);
            }

            queries.Add(new AuditQuery
            {
                AgentId = i % 3 == 0 ? sample.AgentId ?? "agt_nobody" : null,
                UserId = i % 3 == 1 || i % 7 == 0 ? sample.OnBehalfOf : null,
                TaskId = i % 3 == 2 ? sample.TaskId ?? "task-none" : null,
                Decision = i % 5 == 0 ? "deny" : null,
                Provider = i % 11 == 0 ? "openai" : null,
                Type = i % 13 == 0 ? "policy.decision" : null,
                From = from,
                To = to,
                AfterSequence = i % 4 == 0 ? _random.Next(_written.Count) : 0,
                Limit = (i % 4) switch { 0 => 1, 1 => 7, 2 => 100, _ => 1000 },
            });
        }

        queries.Add(new AuditQuery { AgentId = "agt_3", Limit = 1000 });
        queries.Add(new AuditQuery { TaskId = "task-699", UserId = "user-1", Limit = 1000 });
        queries.Add(new AuditQuery { AgentId = "agt_missing", Limit = 1000 });
        for (var i = 0; i < 20; i++)
        {
            var a = RandomTime();
            var b = RandomTime();
            queries.Add(new AuditQuery { From = a < b ? a : b, To = a < b ? b : a, Limit = i % 2 == 0 ? 50 : 1000 });
            queries.Add(new AuditQuery { To = a, AfterSequence = _random.Next(_written.Count), Limit = 100 });
            queries.Add(new AuditQuery { From = a, AgentId = "agt_" + _random.Next(30), Limit = 1000 });
        }

        foreach (var q in queries)
        {
            var expected = _written.Where(r => Matches(r, q)).Take(q.Limit).Select(r => r.Sequence).ToList();
            var actual = (await store.QueryAsync(q, default)).Select(r => r.Sequence).ToList();
            Assert.True(expected.SequenceEqual(actual), $"{q}: expected [{string.Join(",", expected.Take(20))}…] ({expected.Count}), got [{string.Join(",", actual.Take(20))}…] ({actual.Count})");
        }
    }

    private static bool Matches(AuditRecordToStore r, AuditQuery q) =>
        r.Sequence > q.AfterSequence
        && (q.AgentId is null || r.Event.AgentId == q.AgentId)
        && (q.UserId is null || r.Event.OnBehalfOf == q.UserId)
        && (q.TaskId is null || r.Event.TaskId == q.TaskId)
        && (q.Decision is null || r.Event.Decision == q.Decision)
        && (q.Provider is null || r.Event.Provider == q.Provider)
        && (q.Type is null || r.Event.Type == q.Type)
        && (q.From is null || r.Timestamp.ToUnixTimeMilliseconds() >= q.From.Value.ToUnixTimeMilliseconds())
        && (q.To is null || r.Timestamp.ToUnixTimeMilliseconds() < q.To.Value.ToUnixTimeMilliseconds());

    private DateTimeOffset RandomTime() => Timestamp(_random.Next(1, _written.Count + 100));

    private long Count(string sql)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    private void Exec(string sql)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
