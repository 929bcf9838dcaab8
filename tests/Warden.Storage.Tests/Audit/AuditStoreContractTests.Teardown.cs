using Warden.Core.Audit;

namespace Warden.Storage.Tests.Audit;

/// <summary>
/// The verifier reads the next page on another thread while it checks the current one. A verdict found in the current
/// page must not leave that read running: the caller (a test's teardown, <c>warden audit verify</c>) closes or deletes
/// the store right after (the teardown race of <c>SqliteAuditStoreTests.DisposeAsync</c>: a read that opened a
/// connection while the test directory was being deleted).
/// </summary>
public abstract partial class AuditStoreContractTests
{
    [Fact]
    public async Task Verify_TamperFoundWhileNextPageIsRead_ReturnsOnlyAfterThatRead()
    {
        var store = await SeedAsync(50);
        var row = (await store.ReadRangeAsync(12, 1, default))[0];
        await UpdateRowAsync(12, Replace(row.Body, "agent-0", "agent-X"), row.Hash);
        var slow = new SlowReadStore(store, slowFrom: 15); // the page after the tampered one (pages of 7)

        var result = await new AuditVerifier(slow, AuditSigningKey.FromPublicKeyPem(_key.PublicKeyPem)) { PageSize = 7 }.VerifyAsync(default);

        Assert.Equal(AuditTamperKind.ChangedRecord, result.Kind);
        Assert.Equal(12, result.FirstBadSequence);
        Assert.True(slow.SlowReadsStarted >= 1, "the page after the tampered one was never read ahead: the test proves nothing");
        Assert.Equal(0, slow.ReadsInFlight);
    }

    /// <summary>The real store, with reads from <c>slowFrom</c> on taking 300 ms (slow I/O), counting reads in flight.</summary>
    private sealed class SlowReadStore(IAuditStore inner, long slowFrom) : IAuditStore
    {
        private int _inFlight;
        private int _slowStarted;

        public int ReadsInFlight => Volatile.Read(ref _inFlight);

        public int SlowReadsStarted => Volatile.Read(ref _slowStarted);

        public Task EnsureCreatedAsync(CancellationToken cancellationToken) => inner.EnsureCreatedAsync(cancellationToken);

        public Task AppendAsync(IReadOnlyList<AuditRecordToStore> records, AuditCheckpointRow? checkpoint, CancellationToken cancellationToken) =>
            inner.AppendAsync(records, checkpoint, cancellationToken);

        public Task<AuditChainHead> ReadHeadAsync(CancellationToken cancellationToken) => inner.ReadHeadAsync(cancellationToken);

        public async Task<IReadOnlyList<AuditRow>> ReadRangeAsync(long fromSequence, int limit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _inFlight);
            try
            {
                if (fromSequence >= slowFrom)
                {
                    Interlocked.Increment(ref _slowStarted);
                    await Task.Delay(300, cancellationToken);
                }

                return await inner.ReadRangeAsync(fromSequence, limit, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public Task<IReadOnlyList<AuditCheckpointRow>> ReadCheckpointsAsync(CancellationToken cancellationToken) => inner.ReadCheckpointsAsync(cancellationToken);

        public Task<IReadOnlyList<AuditRow>> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);
    }
}
