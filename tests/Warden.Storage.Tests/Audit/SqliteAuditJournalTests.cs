using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Storage.Tests.Audit;

/// <summary>
/// The append journal in front of the SQLite audit store: crashes (a store abandoned without its fold, as a killed
/// process leaves it), torn and stale frames, tampering, a full journal, fail closed after a failed fold, two stores on
/// one file (the second-writer protocol) and readers.
/// </summary>
public sealed class SqliteAuditJournalTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-journal-" + Guid.NewGuid().ToString("N"));
    private readonly AuditSigningKey _key = AuditSigningKey.Generate();
    private readonly List<SqliteAuditStore> _stores = [];

    public SqliteAuditJournalTests() => Directory.CreateDirectory(_dir);

    private string DbPath => Path.Combine(_dir, "audit.db");

    private string JournalPath => DbPath + "-wlog";

    [Fact]
    public async Task Abandoned_Reopen_ReplaysEveryAcknowledgedRecordInOrder()
    {
        Open().AbandonJournal(); // a journal created, then reopened: the epoch comes from its header, not its length
        var first = Open();
        await AppendAsync(first, 1, 5);
        first.AbandonJournal();
        Assert.Equal(0, StoredCount());

        var events = new RecordingEvents();
        var reopened = Open(events: events);
        Assert.Equal([5], events.Replayed);
        Assert.Equal(5, StoredCount());
        Assert.Equal([1, 2, 3, 4, 5], (await reopened.ReadRangeAsync(1, 100, default)).Select(r => N(r)));
        await AppendAsync(reopened, 6, 6);
        await AssertVerifiesAsync(reopened, 6);
    }

    [Fact]
    public async Task TornLastFrame_Reopen_IgnoredAndStarts()
    {
        var first = Open();
        await AppendAsync(first, 1, 3); // three frames, one page each
        first.AbandonJournal();
        FlipByte(FrameOffset(2) + SqliteAuditJournalFrames.Header + 60); // the last frame's body: its checksum fails

        var reopened = Open();
        Assert.Equal(2, StoredCount());
        Assert.Equal(3, await AppendOneAsync(reopened, 30)); // that record was never acknowledged: its number is reused
        await AssertVerifiesAsync(reopened, 3);
    }

    [Fact]
    public async Task DamagedFrameBeforeIntactOnes_Reopen_Refuses()
    {
        var first = Open();
        await AppendAsync(first, 1, 3);
        first.AbandonJournal();
        FlipByte(FrameOffset(1) + SqliteAuditJournalFrames.Header + 60);

        Assert.Throws<AuditUnavailableException>(() => Open());
        Assert.Equal(0, StoredCount());
    }

    [Fact]
    public async Task DamagedHeader_Reopen_RefusesInsteadOfStartingOver()
    {
        var first = Open();
        await AppendAsync(first, 1, 3);
        first.AbandonJournal();
        FlipByte(1); // the file magic: not a fresh file, not a journal header

        Assert.Throws<AuditUnavailableException>(() => Open());
        Assert.Equal(0, StoredCount());
        FlipByte(1);
        Open();
        Assert.Equal(3, StoredCount()); // the frames were kept: the repaired header replays them
    }

    [Fact]
    public void JournalPathIsADirectory_Open_RefusesWithTheReason()
    {
        Directory.CreateDirectory(JournalPath);

        var ex = Assert.Throws<AuditUnavailableException>(() => Open());
        Assert.Contains("is a directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaleEpochFrames_Reopen_Ignored()
    {
        var first = Open();
        await AppendAsync(first, 1, 2);
        first.AbandonJournal();
        var second = Open(); // folds 1–2, new epoch
        await AppendAsync(second, 3, 3); // overwrites the first frame; the old second frame (seq 2) stays behind it
        second.AbandonJournal();

        var third = Open();
        Assert.Equal(3, StoredCount());
        Assert.Equal([1, 2, 3], (await third.ReadRangeAsync(1, 100, default)).Select(r => N(r)));
        await AssertVerifiesAsync(third, 3);
    }

    [Theory]
    [InlineData("body")]
    [InlineData("seq")]
    [InlineData("prev")]
    public async Task TamperedFrameWithValidChecksum_Reopen_Refuses(string change)
    {
        var first = Open();
        await AppendAsync(first, 1, 2);
        first.AbandonJournal();
        RewriteFrame(FrameOffset(1), r => change switch
        {
            "body" => r with { Body = Replace(r.Body, "agent-2", "agent-9") }, // the hash no longer matches
            "seq" => r with { Sequence = r.Sequence + 1 },
            _ => Rehashed(r with { Body = ReplacePrev(r.Body) }), // hashes right, chains wrong
        });

        Assert.Throws<AuditUnavailableException>(() => Open());
        Assert.Equal(0, StoredCount());
    }

    [Fact]
    public async Task JournaledRecordDiffersFromStored_Reopen_Refuses()
    {
        var first = Open();
        await AppendAsync(first, 1, 2);
        Assert.True(first.FoldNow()); // in SQLite, and still in the journal (not reset yet)
        first.AbandonJournal();
        Exec("UPDATE audit_records SET hash = zeroblob(32) WHERE seq = 2");

        Assert.Throws<AuditUnavailableException>(() => Open());
    }

    [Fact]
    public async Task JournalFull_CallerFoldsThenCommitsToSqlite()
    {
        var store = Open(capacity: 4 * SqliteAuditJournalFrames.Page); // the header and three one-page frames
        await AppendAsync(store, 1, 3);
        Assert.Equal(3, store.UnfoldedCount);
        Assert.Equal(0, StoredCount());

        Assert.Equal(4, await AppendOneAsync(store, 4)); // does not fit: 1–3 folded, 4 committed to SQLite
        Assert.Equal(4, StoredCount());
        Assert.Equal(0, store.UnfoldedCount);
        Assert.Equal(5, await AppendOneAsync(store, 5)); // the journal starts over
        Assert.Equal(1, store.UnfoldedCount);
        Assert.Equal(6, await AppendOneAsync(store, 6, new string('x', 5 * SqliteAuditJournalFrames.Page))); // larger than the file
        Assert.Equal(6, StoredCount());
        await AssertVerifiesAsync(store, 6);
    }

    [Fact]
    public async Task FoldFails_AppendsFailClosedUntilAFoldSucceeds()
    {
        var events = new RecordingEvents();
        var store = Open(interval: TimeSpan.FromMilliseconds(10), events: events);
        await using var trail = Trail(store);
        Exec("CREATE TRIGGER audit_block BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'unwritable'); END;");
        Assert.Equal(1, await trail.AppendAsync(Event(1), default)); // acknowledged from the journal (SQLite broke before the fold)

        await Until(() => events.Failed.Count > 0); // the fold thread's fold fails
        await Assert.ThrowsAsync<AuditUnavailableException>(async () => await trail.AppendAsync(Event(2), default));
        await Assert.ThrowsAsync<AuditUnavailableException>(() => store.QueryAsync(new AuditQuery(), default)); // a reader folds first
        Assert.Equal(1, store.UnfoldedCount); // still journaled
        Assert.Equal(0, StoredCount());

        Exec("DROP TRIGGER audit_block");
        await Until(() => events.Recovered.Count > 0); // a retry succeeds
        Assert.Equal(0, store.UnfoldedCount);
        Assert.Equal(2, await trail.AppendAsync(Event(3), default)); // event 2 was refused, never acknowledged
        await AssertVerifiesAsync(store, 2);
    }

    [Fact]
    public async Task FoldThread_FoldsAndWakesAgainAfterIdle()
    {
        var store = Open(interval: TimeSpan.FromMilliseconds(10));
        await AppendAsync(store, 1, 1);
        await Until(() => store.UnfoldedCount == 0);
        Assert.Equal(1, StoredCount());

        await Task.Delay(200); // idle: the fold thread sleeps until the next append
        await AppendAsync(store, 2, 2);
        await Until(() => store.UnfoldedCount == 0); // that append woke it
        Assert.Equal(2, StoredCount());
    }

    [Fact]
    public async Task InProcessReaders_SeeRecordsNotYetFolded()
    {
        var store = Open();
        await AppendAsync(store, 1, 3);
        Assert.Equal(3, store.UnfoldedCount);
        Assert.Equal(3, (await store.QueryAsync(new AuditQuery(), default)).Count);
        Assert.Equal(0, store.UnfoldedCount);
        Assert.Equal(3, StoredCount());
    }

    [Fact]
    public async Task TwoStoresOnOneFile_InterleavedAppends_OneChainNothingLost()
    {
        var a = Open();
        var b = Open();
        await using var ta = Trail(a);
        await using var tb = Trail(b);
        var seqs = new List<long>();
        for (var i = 1; i <= 20; i++)
        {
            seqs.Add(await (i % 3 == 0 ? ta : tb).AppendAsync(Event(i), default)); // each switch: a takeover and a re-chain
        }

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), seqs);

        // Both at once: the stores take the journal from each other on every switch; a caller whose trail runs out of
        // re-chain attempts (MaxConflictRetries) fails closed. Acknowledged = stored once, in one chain; refused = absent.
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<int, long>();
        await Task.WhenAll(Enumerable.Range(21, 40).Select(i => Task.Run(async () =>
        {
            try
            {
                acknowledged[i] = await (i % 2 == 0 ? ta : tb).AppendAsync(Event(i), default);
            }
            catch (AuditUnavailableException)
            {
            }
        })));
        Assert.Equal(acknowledged.Count, acknowledged.Values.Distinct().Count());

        var reader = Open(); // a third store takes over and folds what the owner left
        Assert.True(a.FoldNow() && b.FoldNow()); // whatever either still lists is in SQLite already: no conflict, no failure
        var stored = (await reader.ReadRangeAsync(1, 100, default)).ToList();
        Assert.Equal(Enumerable.Range(1, 20).Concat(acknowledged.Keys).Order(), stored.Select(r => N(r)).Order());
        Assert.All(acknowledged, kv => Assert.Equal(kv.Key, N(stored[(int)kv.Value - 1])));
        await AssertVerifiesAsync(reader, 20 + acknowledged.Count);
    }

    /// <summary>Waits (bounded: 10 s) for the fold thread; a condition never met fails the test.</summary>
    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the fold thread did not get there within 10 s");
    }

    public void Dispose()
    {
        foreach (var s in _stores)
        {
            s.Dispose();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private SqliteAuditStore Open(long capacity = 1L << 20, TimeSpan? interval = null, ISqliteAuditJournalEvents? events = null)
    {
        var store = new SqliteAuditStore(new SqliteDatabase(DbPath), AuditDurability.Process, journal: new SqliteAuditJournalOptions
        {
            Path = JournalPath,
            FoldInterval = interval ?? TimeSpan.FromHours(1), // folds only when a test, a read or dispose asks
            MaxRetryInterval = interval is null ? TimeSpan.FromHours(1) : TimeSpan.FromMilliseconds(50),
            Capacity = capacity,
            ResetBytes = Math.Min(capacity, 64 * 1024),
            Events = events,
        });
        _stores.Add(store);
        store.EnsureCreatedAsync(default).GetAwaiter().GetResult();
        return store;
    }

    private HashChainAuditTrail Trail(IAuditStore store) =>
        new(store, _key, TimeProvider.System, new AuditTrailOptions { CheckpointEveryRecords = 1000, CheckpointInterval = TimeSpan.FromHours(1) });

    private async Task AppendAsync(IAuditStore store, int from, int to)
    {
        await using var trail = Trail(store);
        for (var i = from; i <= to; i++)
        {
            Assert.Equal(i, await trail.AppendAsync(Event(i), default));
        }
    }

    private async Task<long> AppendOneAsync(IAuditStore store, int n, string? padding = null)
    {
        await using var trail = Trail(store);
        var e = Event(n);
        return await trail.AppendAsync(padding is null ? e : e with { Attributes = new Dictionary<string, string> { ["n"] = n.ToString(CultureInfo.InvariantCulture), ["pad"] = padding } }, default);
    }

    private async Task AssertVerifiesAsync(IAuditStore store, long records)
    {
        var result = await new AuditVerifier(store, AuditSigningKey.FromPublicKeyPem(_key.PublicKeyPem)).VerifyAsync(default);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(records, result.RecordsChecked);
    }

    private static AuditEvent Event(int n) => new()
    {
        Type = "gateway.request",
        AgentId = "agent-" + n,
        Decision = "allow",
        Attributes = new Dictionary<string, string> { ["n"] = n.ToString(CultureInfo.InvariantCulture) },
    };

    private static int N(AuditRow row) => int.Parse(AuditCanonicalJson.Parse(row).Event.Attributes!["n"], CultureInfo.InvariantCulture);

    private long StoredCount()
    {
        using var c = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM audit_records";
        return (long)cmd.ExecuteScalar()!;
    }

    private void Exec(string sql)
    {
        using var c = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static long FrameOffset(int index) => SqliteAuditJournal.FirstFrame + (index * SqliteAuditJournalFrames.Page);

    private void FlipByte(long offset)
    {
        using var file = File.Open(JournalPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        var b = new byte[1];
        RandomAccess.Read(file.SafeFileHandle, b, offset);
        b[0] ^= 0x20;
        RandomAccess.Write(file.SafeFileHandle, b, offset);
    }

    /// <summary>Re-encodes a frame with its records changed and a valid checksum (tampering, not a torn write).</summary>
    private void RewriteFrame(long offset, Func<AuditRecordToStore, AuditRecordToStore> change)
    {
        using var file = File.Open(JournalPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        var header = new byte[SqliteAuditJournalFrames.Header];
        RandomAccess.Read(file.SafeFileHandle, header, offset);
        var payload = new byte[BitConverter.ToInt32(header, 4)];
        RandomAccess.Read(file.SafeFileHandle, payload, offset + header.Length);
        var records = SqliteAuditJournalFrames.Decode(payload)!.Select(change).ToList();
        var size = SqliteAuditJournalFrames.Size(records, out var unpadded);
        var frame = new byte[size];
        SqliteAuditJournalFrames.Encode(records, BitConverter.ToUInt64(header, 8), frame, unpadded);
        RandomAccess.Write(file.SafeFileHandle, frame, offset);
    }

    private static byte[] Replace(byte[] body, string from, string to) =>
        Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace(from, to, StringComparison.Ordinal));

    private static byte[] ReplacePrev(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        var at = text.IndexOf("\"prev\":\"", StringComparison.Ordinal) + 8;
        return Encoding.UTF8.GetBytes(string.Concat(text.AsSpan(0, at), text[at] == 'a' ? "b" : "a", text.AsSpan(at + 1)));
    }

    private static AuditRecordToStore Rehashed(AuditRecordToStore r) => r with { Hash = SHA256.HashData(r.Body) };

    private sealed class RecordingEvents : ISqliteAuditJournalEvents
    {
        public List<int> Replayed { get; } = [];

        public List<int> Failed { get; } = [];

        public List<int> Recovered { get; } = [];

        void ISqliteAuditJournalEvents.Replayed(int records) => Replayed.Add(records);

        public void FoldFailed(Exception exception, int pendingRecords, TimeSpan retryIn) => Failed.Add(pendingRecords);

        public void FoldRecovered(int failedAttempts) => Recovered.Add(failedAttempts);
    }
}
