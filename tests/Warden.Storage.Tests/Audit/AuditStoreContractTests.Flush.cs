using System.Diagnostics;
using Warden.Core.Audit;

namespace Warden.Storage.Tests.Audit;

/// <summary>
/// Events nobody awaits and committed records for the sinks reach the writer thread through its own flush deadline
/// (docs/audit.md, "Group commit"): an armed writer commits and publishes within the flush delay, a disarmed one is woken
/// by the next such event, and sinks that want nothing get nothing.
/// </summary>
public abstract partial class AuditStoreContractTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>No timed checkpoint within the patience: its timer wakes the writer too, which would hide a missing wake-up.</summary>
    private static readonly AuditTrailOptions Quiet = new() { EnqueuedFlushDelay = TimeSpan.FromMilliseconds(20), CheckpointInterval = TimeSpan.FromHours(1) };

    [Fact]
    public async Task Enqueue_NoLaterAppend_WriterCommitsItAlsoAfterAQuietPeriod()
    {
        var store = await CreatedStoreAsync();
        await using var trail = NewTrail(store, Quiet);
        Assert.Equal(1, await trail.AppendAsync(Event(1), default));
        await trail.EnqueueAsync(Event(2), (_, ex) => throw ex, default);
        Assert.True(await HeadReachesAsync(store, 2), "an event nobody awaits was not committed without a later append");

        await Task.Delay(300); // many flush periods without anything queued: the writer disarms and sleeps until woken
        await trail.EnqueueAsync(Event(3), (_, ex) => throw ex, default);
        Assert.True(await HeadReachesAsync(store, 3), "an event queued to a disarmed writer was not committed");
        var result = await Verify(store);
        Assert.True(result.IsValid, result.Message);
    }

    [Fact]
    public async Task Sinks_DisabledThenEnabled_GetOnlyRecordsCommittedWhileEnabled()
    {
        var store = await CreatedStoreAsync();
        var sink = new ToggleSink { Enabled = false };
        await using (var trail = NewTrail(store, Quiet, sink))
        {
            for (var i = 1; i <= 3; i++)
            {
                Assert.Equal(i, await trail.AppendAsync(Event(i), default));
            }

            await Task.Delay(200); // well past a flush period
            Assert.Empty(sink.Seen);
            sink.Enabled = true;
            Assert.Equal(4, await trail.AppendAsync(Event(4), default));
            Assert.Equal(5, await trail.AppendAsync(Event(5), default));
            Assert.True(await sink.SeesAsync(5), "records committed while the sink was enabled never reached it");
        }

        Assert.Equal([4L, 5], sink.Seen);
        Assert.All(sink.Threads, name => Assert.Equal("warden-audit-writer", name));
    }

    [Fact]
    public async Task Sinks_AppendThenQuiet_RecordReachesTheSinkOnTheWriterThread()
    {
        var store = await CreatedStoreAsync();
        var sink = new ToggleSink { Enabled = true };
        await using var trail = NewTrail(store, Quiet, sink);
        Assert.Equal(1, await trail.AppendAsync(Event(1), default));
        Assert.True(await sink.SeesAsync(1), "a committed record never reached the sink while the trail was quiet");
        await Task.Delay(300); // the writer disarms
        Assert.Equal(2, await trail.AppendAsync(Event(2), default));
        Assert.True(await sink.SeesAsync(2), "a record committed after a quiet period never reached the sink");
        Assert.Equal([1L, 2], sink.Seen);
        Assert.All(sink.Threads, name => Assert.Equal("warden-audit-writer", name));
    }

    private HashChainAuditTrail NewTrail(IAuditStore store, AuditTrailOptions options, IAuditRecordSink sink) =>
        new(store, _key, TimeProvider.System, options with
        {
            CallerCommits = CallerCommits,
            CallerCommitMaxRate = CallerCommitMaxRate ?? options.CallerCommitMaxRate,
        }, [sink]);

    private static async Task<bool> HeadReachesAsync(IAuditStore store, long sequence)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            if ((await store.ReadHeadAsync(default)).Sequence >= sequence)
            {
                return true;
            }

            await Task.Delay(10);
        }

        return false;
    }

    private sealed class ToggleSink : IAuditRecordSink
    {
        private readonly List<long> _seen = [];
        private readonly List<string?> _threads = [];

        private volatile bool _enabled;

        public bool Enabled
        {
            get => _enabled;
            set => _enabled = value;
        }

        public bool IsEnabled => _enabled;

        public List<long> Seen
        {
            get
            {
                lock (_seen)
                {
                    return [.. _seen];
                }
            }
        }

        public List<string?> Threads
        {
            get
            {
                lock (_seen)
                {
                    return [.. _threads];
                }
            }
        }

        public void OnCommitted(IReadOnlyList<AuditRecordToStore> records)
        {
            lock (_seen)
            {
                foreach (var r in records)
                {
                    _seen.Add(r.Sequence);
                    _threads.Add(Thread.CurrentThread.Name);
                }
            }
        }

        public async Task<bool> SeesAsync(long sequence)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < Patience)
            {
                if (Seen.Contains(sequence))
                {
                    return true;
                }

                await Task.Delay(10);
            }

            return false;
        }
    }
}
