using System.Text;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Audit;

namespace Warden.Storage.Tests.Audit;

/// <summary>
/// One contract suite for every <see cref="IAuditStore"/>: the SQLite and PostgreSQL classes derive
/// from it and only say how to open the store and how to tamper with its tables directly.
/// </summary>
public abstract partial class AuditStoreContractTests : IAsyncLifetime
{
    protected const string Canary = "CANARY-7f3a9c-zero-prompt-storage";

    private readonly AuditSigningKey _key = AuditSigningKey.Generate();

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    /// <summary>A new store instance over the same database (calling twice simulates a restart).</summary>
    protected abstract IAuditStore OpenStore();

    protected abstract Task ExecAsync(string sql);

    protected abstract Task UpdateRowAsync(long seq, byte[] body, byte[] hash);

    protected abstract Task InsertRowAsync(long seq, DateTimeOffset ts, byte[] body, byte[] hash);

    protected abstract Task UpdateCheckpointAsync(long seq, byte[] body, byte[] signature);

    protected abstract Task BreakWritesAsync();

    protected abstract Task RepairWritesAsync();

    /// <summary>Every byte the store persisted (files, or a dump of every table).</summary>
    protected abstract Task<byte[]> ReadAllStoredBytesAsync();

    [Fact]
    public async Task Append_ManyConcurrentCallers_GroupCommittedAndVerifies()
    {
        var store = await CreatedStoreAsync();
        long batches;
        long[] seqs;
        // Appends meet in a commit only when more callers run at once than one commit takes: a thread pool that starts with
        // one thread per core (2 in CI) runs them nearly one by one until it injects threads (a caller-led commit per event,
        // seen once in a clean-clone run), so the test starts with enough workers for the 600 callers to overlap.
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, 64), minIo);
        try
        {
            await using var trail = NewTrail(store, new AuditTrailOptions { CheckpointEveryRecords = 100 });
            seqs = await Task.WhenAll(Enumerable.Range(0, 600).Select(i => Task.Run(async () => await trail.AppendAsync(Event(i), CancellationToken.None))));
            batches = trail.BatchesCommitted;
        }
        finally
        {
            ThreadPool.SetMinThreads(minWorkers, minIo);
        }

        Assert.Equal(Enumerable.Range(1, 600).Select(i => (long)i), seqs.Order());
        Assert.True(batches < 600, $"expected group commits, got {batches} batches for 600 events");
        var result = await Verify(store);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(600, result.RecordsChecked);
        Assert.True(result.CheckpointsChecked >= 1);
        Assert.Equal(600, (await store.ReadCheckpointsAsync(default))[^1].Sequence);
    }

    [Fact]
    public async Task Append_IdleTrail_AcknowledgedOnTheCallersThreadWhereTheStoreCommitsInline()
    {
        var store = await CreatedStoreAsync();
        var synchronous = 0;
        await using (var trail = NewTrail(store, new AuditTrailOptions()))
        {
            await trail.AppendAsync(Event(0), CancellationToken.None); // opens the writer connection
            for (var i = 1; i <= 20; i++)
            {
                var pending = trail.AppendAsync(Event(i), CancellationToken.None);
                synchronous += pending.IsCompleted ? 1 : 0;
                Assert.Equal(i + 1, await pending);
            }
        }

        if (IdleCallersCommit)
        {
            // Sequential appends find the trail idle: each is committed on its caller's thread (a stray writer wake-up may take one).
            Assert.True(synchronous >= 10, $"only {synchronous} of 20 idle appends were acknowledged on the caller's thread");
        }

        var result = await Verify(store);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(21, result.RecordsChecked);
    }

    [Fact]
    public async Task Append_SustainedConcurrentLoad_CommittedInBatches()
    {
        const int Callers = 32, Each = 60;
        var store = await CreatedStoreAsync();
        long batches;
        long[][] seqs;
        await using (var trail = NewTrail(store, new AuditTrailOptions()))
        {
            seqs = await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
            {
                var mine = new long[Each];
                for (var i = 0; i < Each; i++)
                {
                    mine[i] = await trail.AppendAsync(Event(c * Each + i), CancellationToken.None); // closed loop: the gateway's pattern
                }

                return mine;
            })));
            batches = trail.BatchesCommitted;
        }

        Assert.Equal(Enumerable.Range(1, Callers * Each).Select(i => (long)i), seqs.SelectMany(s => s).Order());
        if (!CallerCommits)
        {
            // Many appends in flight: the adaptive hand-off gives them to the writer, which commits them together
            // (a caller-led batch of one each would be ≈ Callers * Each batches). At most half: how many appends meet in one
            // batch depends on the scheduler (a clean-clone CI run on 2 cores once saw 730 batches for 1,920 events, 2.6 each).
            Assert.True(batches <= Callers * Each / 2, $"expected batches under load, got {batches} batches for {Callers * Each} events");
        }

        var result = await Verify(store);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(Callers * Each, result.RecordsChecked);
    }

    [Fact]
    public async Task Append_NonFiniteLatency_RefusedAtTheCallerOthersInTheBatchCommit()
    {
        var store = await CreatedStoreAsync();
        await using (var trail = NewTrail(store, new AuditTrailOptions()))
        {
            var good = Enumerable.Range(0, 50).Select(i => Task.Run(async () => await trail.AppendAsync(Event(i), CancellationToken.None))).ToArray();
            await Assert.ThrowsAsync<ArgumentException>(async () => await trail.AppendAsync(Event(99) with { LatencyMs = double.NaN }, CancellationToken.None));
            await Assert.ThrowsAsync<ArgumentException>(async () => await trail.EnqueueAsync(Event(98) with { LatencyMs = double.PositiveInfinity }, (_, _) => { }, CancellationToken.None));
            Assert.Equal(50, (await Task.WhenAll(good)).Distinct().Count());
        }

        var result = await Verify(store);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(50, result.RecordsChecked);
    }

    [Fact]
    public async Task Verify_UntamperedChain_Passes()
    {
        var store = await SeedAsync(50);
        var result = await Verify(store);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(50, result.RecordsChecked);
        Assert.Equal(5, result.CheckpointsChecked);
    }

    [Fact]
    public async Task Verify_RecordBodyEdited_NamesChangedRecord()
    {
        var store = await SeedAsync(50);
        var row = (await store.ReadRangeAsync(12, 1, default))[0];
        await UpdateRowAsync(12, Replace(row.Body, "agent-0", "agent-X"), row.Hash);
        await AssertTamperAsync(store, AuditTamperKind.ChangedRecord, 12);
    }

    [Fact]
    public async Task Verify_RecordEditedAndRehashed_NamesChangedRecord()
    {
        var store = await SeedAsync(50);
        var row = (await store.ReadRangeAsync(12, 1, default))[0];
        var body = Replace(row.Body, "agent-0", "agent-X");
        await UpdateRowAsync(12, body, AuditCanonicalJson.Hash(body));
        await AssertTamperAsync(store, AuditTamperKind.ChangedRecord, 12);
    }

    [Fact]
    public async Task Verify_HashColumnEdited_NamesChangedRecord()
    {
        var store = await SeedAsync(50);
        var row = (await store.ReadRangeAsync(7, 1, default))[0];
        var hash = (byte[])row.Hash.Clone();
        hash[0] ^= 1;
        await UpdateRowAsync(7, row.Body, hash);
        await AssertTamperAsync(store, AuditTamperKind.ChangedRecord, 7);
    }

    [Fact]
    public async Task Verify_RecordDeleted_NamesDeletion()
    {
        var store = await SeedAsync(50);
        await ExecAsync("DELETE FROM audit_records WHERE seq = 33");
        await AssertTamperAsync(store, AuditTamperKind.DeletedRecord, 33);
    }

    [Fact]
    public async Task Verify_ForgedRecordInserted_NamesInsertion()
    {
        var store = await SeedAsync(50);
        var before = (await store.ReadRangeAsync(24, 1, default))[0];
        await ExecAsync("UPDATE audit_records SET seq = -(seq + 1) WHERE seq >= 25");
        await ExecAsync("UPDATE audit_records SET seq = -seq WHERE seq < 0");
        var ts = DateTimeOffset.UtcNow;
        var forged = AuditCanonicalJson.Encode(25, ts, Convert.ToHexStringLower(before.Hash), new AuditEvent { Type = "admin.change", PrincipalId = "mallory" });
        await InsertRowAsync(25, ts, forged, AuditCanonicalJson.Hash(forged));
        await AssertTamperAsync(store, AuditTamperKind.InsertedRecord, 25);
    }

    [Fact]
    public async Task Verify_RecordsSwapped_NamesReordering()
    {
        var store = await SeedAsync(50);
        await ExecAsync("UPDATE audit_records SET seq = -1 WHERE seq = 15");
        await ExecAsync("UPDATE audit_records SET seq = 15 WHERE seq = 16");
        await ExecAsync("UPDATE audit_records SET seq = 16 WHERE seq = -1");
        await AssertTamperAsync(store, AuditTamperKind.ReorderedRecords, 15);
    }

    [Fact]
    public async Task Verify_TailDeletedAfterCheckpoint_NamesTruncation()
    {
        var store = await SeedAsync(50);
        await ExecAsync("DELETE FROM audit_records WHERE seq > 43");
        await AssertTamperAsync(store, AuditTamperKind.Truncated, 44);
    }

    [Fact]
    public async Task Verify_CheckpointBodyEdited_NamesForgedCheckpoint()
    {
        var store = await SeedAsync(50);
        var cp = (await store.ReadCheckpointsAsync(default)).Single(c => c.Sequence == 20);
        await UpdateCheckpointAsync(20, Replace(cp.Body, "\"prevSeq\":10", "\"prevSeq\":11"), cp.Signature);
        await AssertTamperAsync(store, AuditTamperKind.ForgedCheckpoint, 20);
    }

    [Fact]
    public async Task Verify_CheckpointSignedByOtherKey_NamesForgedCheckpoint()
    {
        var store = await SeedAsync(50);
        var cp = (await store.ReadCheckpointsAsync(default)).Single(c => c.Sequence == 30);
        using var attacker = AuditSigningKey.Generate();
        await UpdateCheckpointAsync(30, cp.Body, attacker.Sign(cp.Body));
        await AssertTamperAsync(store, AuditTamperKind.ForgedCheckpoint, 30);
    }

    [Fact]
    public async Task Verify_CheckpointDeleted_NamesDeletedCheckpoint()
    {
        var store = await SeedAsync(50);
        await ExecAsync("DELETE FROM audit_checkpoints WHERE seq = 20");
        await AssertTamperAsync(store, AuditTamperKind.DeletedCheckpoint, 20);
    }

    [Fact]
    public async Task Verify_TailRewrittenWithValidHashes_CaughtByCheckpoint()
    {
        var store = await SeedAsync(50);
        var rows = await store.ReadRangeAsync(22, 100, default);
        var prev = (await store.ReadRangeAsync(21, 1, default))[0].Hash;
        foreach (var row in rows)
        {
            var parsed = AuditCanonicalJson.Parse(row);
            var ev = row.Sequence == 22 ? parsed.Event with { AgentId = "agent-X" } : parsed.Event;
            var body = AuditCanonicalJson.Encode(row.Sequence, parsed.Timestamp, Convert.ToHexStringLower(prev), ev);
            prev = AuditCanonicalJson.Hash(body);
            await UpdateRowAsync(row.Sequence, body, prev);
        }

        await AssertTamperAsync(store, AuditTamperKind.ChangedRecord, 21);
    }

    [Fact]
    public async Task Verify_WithWrongPublicKey_ReportsForgedCheckpoint()
    {
        var store = await SeedAsync(20);
        using var other = AuditSigningKey.Generate();
        var result = await new AuditVerifier(store, AuditSigningKey.FromPublicKeyPem(other.PublicKeyPem)).VerifyAsync(default);
        Assert.Equal(AuditTamperKind.ForgedCheckpoint, result.Kind);
    }

    [Fact]
    public async Task Restart_NewTrailOverSameStore_ContinuesChain()
    {
        await SeedAsync(15);
        var reopened = OpenStore();
        await using (var trail = NewTrail(reopened, new AuditTrailOptions { CheckpointEveryRecords = 10 }))
        {
            Assert.Equal(16, await trail.AppendAsync(Event(16), default));
        }

        var result = await Verify(reopened);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(16, result.RecordsChecked);
    }

    [Fact]
    public async Task Checkpoint_IntervalElapsed_SignsWithoutNewBatch()
    {
        var store = await CreatedStoreAsync();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var trail = new HashChainAuditTrail(store, _key, time, new AuditTrailOptions { CheckpointEveryRecords = 1000, CheckpointInterval = TimeSpan.FromSeconds(5) });
        await trail.AppendAsync(Event(1), default);
        await trail.AppendAsync(Event(2), default);
        Assert.Empty(await store.ReadCheckpointsAsync(default));

        for (var i = 0; i < 200 && (await store.ReadCheckpointsAsync(default)).Count < 1; i++)
        {
            time.Advance(TimeSpan.FromSeconds(6));
            await Task.Delay(20);
        }

        Assert.Equal([2L], (await store.ReadCheckpointsAsync(default)).Select(c => c.Sequence));
    }

    [Fact]
    public async Task Append_StoreUnwritable_ThrowsThenRecovers()
    {
        var store = await CreatedStoreAsync();
        await using var trail = NewTrail(store, new AuditTrailOptions());
        Assert.Equal(1, await trail.AppendAsync(Event(1), default));
        await BreakWritesAsync();
        await Assert.ThrowsAsync<AuditUnavailableException>(async () => await trail.AppendAsync(Event(2), default));
        await RepairWritesAsync();
        Assert.Equal(2, await trail.AppendAsync(Event(3), default));
        var result = await Verify(store);
        Assert.True(result.IsValid, result.Message);
    }

    [Fact]
    public async Task Enqueue_NoWaiter_ChainedInQueueOrderWithAppends()
    {
        var store = await CreatedStoreAsync();
        var failures = new List<Exception>();
        await using (var trail = NewTrail(store, new AuditTrailOptions()))
        {
            await trail.EnqueueAsync(Event(1), (_, ex) => failures.Add(ex), default);
            Assert.Equal(2, await trail.AppendAsync(Event(2), default)); // queued after the first: committed after it
            await trail.EnqueueAsync(Event(3), (_, ex) => failures.Add(ex), default);
        }

        Assert.Empty(failures);
        var rows = await store.ReadRangeAsync(1, 10, default);
        Assert.Equal([1L, 2, 3], rows.Select(r => r.Sequence));
        Assert.Equal([1, 2, 3], rows.Select(r => AuditCanonicalJson.Parse(r).Event.PromptTokens ?? 0));
        var result = await Verify(store);
        Assert.True(result.IsValid, result.Message);
    }

    [Fact]
    public async Task Enqueue_StoreUnwritable_HandlerGetsTheEventAndError()
    {
        var store = await CreatedStoreAsync();
        await using var trail = NewTrail(store, new AuditTrailOptions());
        Assert.Equal(1, await trail.AppendAsync(Event(1), default));
        await BreakWritesAsync();
        var failed = new TaskCompletionSource<(AuditEvent Event, Exception Error)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await trail.EnqueueAsync(Event(2), (e, ex) => failed.TrySetResult((e, ex)), default);
        var (lost, error) = await failed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, lost.PromptTokens);
        Assert.IsType<AuditUnavailableException>(error);
        await RepairWritesAsync();
        Assert.Equal(2, await trail.AppendAsync(Event(3), default));
    }

    [Fact]
    public async Task Query_Filters_ReturnOnlyMatchingInOrder()
    {
        var store = await SeedAsync(30);
        var byAgent = await store.QueryAsync(new AuditQuery { AgentId = "agent-1" }, default);
        Assert.Equal([1L, 4, 7, 10, 13, 16, 19, 22, 25, 28], byAgent.Select(r => r.Sequence));
        var combined = await store.QueryAsync(new AuditQuery { AgentId = "agent-1", Decision = "deny", Provider = "openai", UserId = "user-0", TaskId = "task-0" }, default);
        Assert.All(combined.Select(AuditCanonicalJson.Parse), r =>
        {
            Assert.Equal("agent-1", r.Event.AgentId);
            Assert.Equal("deny", r.Event.Decision);
        });
        Assert.Equal([4L, 16, 28], combined.Select(r => r.Sequence));
        var page = await store.QueryAsync(new AuditQuery { AfterSequence = 10, Limit = 5 }, default);
        Assert.Equal([11L, 12, 13, 14, 15], page.Select(r => r.Sequence));
        var none = await store.QueryAsync(new AuditQuery { From = DateTimeOffset.UtcNow.AddHours(1) }, default);
        Assert.Empty(none);
        var all = await store.QueryAsync(new AuditQuery { From = DateTimeOffset.UtcNow.AddHours(-1), To = DateTimeOffset.UtcNow.AddHours(1), Limit = 1000 }, default);
        Assert.Equal(30, all.Count);
    }

    [Fact]
    public async Task Content_DefaultOff_CanaryNeverStored()
    {
        var store = await CreatedStoreAsync();
        var protector = new AuditContentProtector(AuditContentKeys.Generate(), (IAuditContentStore)store, TimeProvider.System);
        await using (var trail = NewTrail(store, new AuditTrailOptions()))
        {
            var hmac = await protector.ProtectAsync($"prompt with {Canary}", ContentCapturePolicy.Off, "agent-1", "task-1", default);
            await trail.AppendAsync(Event(1) with { ContentHmac = hmac }, default);
            Assert.Null(await protector.RevealAsync(hmac, default));
        }

        var bytes = await ReadAllStoredBytesAsync();
        Assert.True(bytes.Length > 0);
        Assert.DoesNotContain(Canary, Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Content_CapturedThenExpired_EncryptedDeletedAndChainVerifies()
    {
        var store = await CreatedStoreAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var protector = new AuditContentProtector(AuditContentKeys.Generate(), (IAuditContentStore)store, time);
        var policy = new ContentCapturePolicy { Agents = new HashSet<string> { "agent-1" }, Retention = TimeSpan.FromDays(1) };
        string hmac;
        await using (var trail = NewTrail(store, new AuditTrailOptions()))
        {
            hmac = await protector.ProtectAsync($"prompt with {Canary}", policy, "agent-1", null, default);
            var other = await protector.ProtectAsync($"other {Canary}", policy, "agent-2", null, default);
            await trail.AppendAsync(Event(1) with { ContentHmac = hmac }, default);
            await trail.AppendAsync(Event(2) with { ContentHmac = other }, default);
            Assert.Null(await protector.RevealAsync(other, default));
        }

        Assert.Equal($"prompt with {Canary}", await protector.RevealAsync(hmac, default));
        Assert.DoesNotContain(Canary, Encoding.UTF8.GetString(await ReadAllStoredBytesAsync()), StringComparison.Ordinal);

        Assert.Equal(0, await protector.PurgeExpiredAsync(default));
        time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await protector.PurgeExpiredAsync(default));
        Assert.Null(await ((IAuditContentStore)store).GetContentAsync(hmac, default));
        var result = await Verify(store);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(hmac, AuditCanonicalJson.Parse((await store.ReadRangeAsync(1, 1, default))[0]).Event.ContentHmac);
    }

    protected static AuditEvent Event(int i) => new()
    {
        Type = "gateway.request",
        PrincipalId = $"agent-{i % 3}",
        AgentId = $"agent-{i % 3}",
        OnBehalfOf = $"user-{i % 2}",
        TaskId = $"task-{i % 2}",
        Provider = i % 2 == 0 ? "openai" : "anthropic",
        Model = "gpt-test",
        Decision = i % 4 == 0 ? "deny" : "allow",
        RuleId = "rule-" + (i % 5),
        Status = 200,
        LatencyMs = 12.5 + i,
        PromptTokens = i,
        CompletionTokens = 2 * i,
        FindingCounts = new Dictionary<string, int> { ["email"] = i % 3, ["api_key"] = 1 },
        Attributes = new Dictionary<string, string> { ["route"] = "/v1/chat/completions" },
    };

    protected async Task<IAuditStore> CreatedStoreAsync()
    {
        var store = OpenStore();
        await store.EnsureCreatedAsync(default);
        return store;
    }

    /// <summary>n events appended one by one (one batch each), checkpoint every 10.</summary>
    private async Task<IAuditStore> SeedAsync(int n)
    {
        var store = await CreatedStoreAsync();
        await using var trail = NewTrail(store, new AuditTrailOptions { CheckpointEveryRecords = 10, CheckpointInterval = TimeSpan.FromHours(1) });
        for (var i = 1; i <= n; i++)
        {
            Assert.Equal(i, await trail.AppendAsync(Event(i), default));
        }

        return store;
    }

    /// <summary>Runs the suite with callers committing their own batches (<see cref="AuditTrailOptions.CallerCommits"/>).</summary>
    protected virtual bool CallerCommits => false;

    /// <summary>Runs the suite with this <see cref="AuditTrailOptions.CallerCommitMaxRate"/> (null: the default, adaptive).</summary>
    protected virtual int? CallerCommitMaxRate => null;

    /// <summary>The store commits inline and the trail lets an idle trail's caller commit (SQLite, <c>Process</c>).</summary>
    protected virtual bool IdleCallersCommit => false;

    protected HashChainAuditTrail NewTrail(IAuditStore store, AuditTrailOptions options) =>
        new(store, _key, TimeProvider.System, options with
        {
            CallerCommits = CallerCommits,
            CallerCommitMaxRate = CallerCommitMaxRate ?? options.CallerCommitMaxRate,
        });

    protected Task<AuditVerificationResult> Verify(IAuditStore store) =>
        new AuditVerifier(store, AuditSigningKey.FromPublicKeyPem(_key.PublicKeyPem)) { PageSize = 7 }.VerifyAsync(default);

    private async Task AssertTamperAsync(IAuditStore store, AuditTamperKind kind, long firstBad)
    {
        var result = await Verify(store);
        Assert.False(result.IsValid);
        Assert.True(kind == result.Kind && firstBad == result.FirstBadSequence, $"expected {kind} at {firstBad}, got {result.Kind} at {result.FirstBadSequence}: {result.Message}");
    }

    private static byte[] Replace(byte[] body, string from, string to)
    {
        var text = Encoding.UTF8.GetString(body);
        Assert.Contains(from, text, StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }
}
