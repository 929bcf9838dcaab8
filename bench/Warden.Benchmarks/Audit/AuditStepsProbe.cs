using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Benchmarks.Audit;

/// <summary>
/// <c>audit-steps [iterations] [sleep-µs] [records-per-commit]</c>: one caller-led commit of the gateway's
/// <c>gateway.request</c> record split into its steps, each timed on its own (wall clock, one thread, a sleep before every
/// part so that each starts as cold as a request at ≈ 200/s does):
/// <list type="bullet">
/// <item><c>event</c>: building the <see cref="AuditEvent"/> the proxy builds;</item>
/// <item><c>encode</c>: timestamp formatting and the canonical JSON (<see cref="AuditRecordEncoder"/>);</item>
/// <item><c>sha256</c>: the chain hash (<see cref="AuditSha256"/>);</item>
/// <item><c>store</c>: <see cref="SqliteAuditStore.AppendAsync"/> of the chained records (the real store);</item>
/// <item><c>begin</c> / <c>insert</c> / <c>commit</c>: the same transaction split, on a second database of the same schema and
/// pragmas through SQLite's own API (<c>BEGIN IMMEDIATE</c>, one <c>INSERT</c> per record, <c>COMMIT</c>: the WAL write);</item>
/// <item><c>trail</c>: the whole <see cref="HashChainAuditTrail.AppendAsync"/> of one event on a third database (what the
/// proxy awaits), with the response record of the previous iteration queued first as in the gateway when
/// <c>records-per-commit</c> is 2;</item>
/// <item><c>log</c>: for comparison only, the same record bytes written with one <c>pwrite</c> into a pre-allocated file
/// (no lock, no B-tree): what a commit would cost on an append-only log with the same process-crash durability as
/// SQLite's WAL at <c>synchronous=NORMAL</c> (written to the page cache, no fsync).</item>
/// </list>
/// Prints p50 / p90 / mean per step in µs.
/// </summary>
internal static class AuditStepsProbe
{
    public static async Task RunAsync(string[] args)
    {
        int[] given = [2_000, 4_000, 1]; // iterations, sleep-µs, records-per-commit
        for (var a = 0; a < Math.Min(args.Length, given.Length); a++)
        {
            given[a] = int.Parse(args[a], CultureInfo.InvariantCulture);
        }

        var (iterations, sleepUs, perCommit) = (given[0], given[1], given[2]);
        var dir = Path.Combine(Path.GetTempPath(), "warden-audit-steps-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var key = AuditSigningKey.Generate();
            var storeDb = new SqliteDatabase(Path.Combine(dir, "store.db"));
            using var store = new SqliteAuditStore(storeDb);
            await store.EnsureCreatedAsync(default);
            var rawDb = new SqliteDatabase(Path.Combine(dir, "raw.db"));
            using (var schema = new SqliteAuditStore(rawDb))
            {
                await schema.EnsureCreatedAsync(default);
            }

            using var trailStore = new SqliteAuditStore(new SqliteDatabase(Path.Combine(dir, "trail.db")));
            await trailStore.EnsureCreatedAsync(default);
            await using var trail = new HashChainAuditTrail(trailStore, key, TimeProvider.System, new AuditTrailOptions());
            // The same trail over a store with the append journal in front of SQLite (jtrail), and that store's own step (jstore)
            var journalDir = Path.Combine(dir, "journal.db");
            using var journalStore = new SqliteAuditStore(new SqliteDatabase(journalDir), journal: new SqliteAuditJournalOptions { Path = journalDir + "-wlog" });
            await journalStore.EnsureCreatedAsync(default);
            var jstoreDir = Path.Combine(dir, "jstore.db");
            using var jstore = new SqliteAuditStore(new SqliteDatabase(jstoreDir), journal: new SqliteAuditJournalOptions { Path = jstoreDir + "-wlog" });
            await jstore.EnsureCreatedAsync(default);
            await using var journalTrail = new HashChainAuditTrail(journalStore, key, TimeProvider.System, new AuditTrailOptions());
            using var raw = rawDb.Open();
            using var statements = new RawStatements(raw);
            using var encoder = new AuditRecordEncoder();
            using var sha = new AuditSha256.Hasher();
            const long LogBytes = 64L << 20;
            using var log = File.OpenHandle(Path.Combine(dir, "append.log"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, LogBytes);
            long logOffset = 0;
            var steps = new Steps();
            var state = new State();
            Run(2_000, 0, perCommit, null); // JIT, tiering, page cache
            Run(iterations, sleepUs, perCommit, steps);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"audit-steps: {iterations} iterations, sleep {sleepUs} µs before each part, {perCommit} record(s) per commit; µs p50 / p90 / mean"));
            steps.Print();

            void Run(int n, int sleep, int records, Steps? into)
            {
                for (var i = 0; i < n; i++)
                {
                    Pause(sleep);
                    var t0 = Stopwatch.GetTimestamp();
                    var events = new AuditEvent[records];
                    for (var r = 0; r < records; r++)
                    {
                        events[r] = r == records - 1 ? RequestEvent(i) : ResponseEvent(i);
                    }

                    var t1 = Stopwatch.GetTimestamp();
                    var ts = TimeProvider.System.GetUtcNow();
                    var formatted = AuditCanonicalJson.FormatTimestamp(ts);
                    var bodies = new byte[records][];
                    for (var r = 0; r < records; r++)
                    {
                        bodies[r] = encoder.Encode(state.Seq + r + 1, formatted, state.Prev, events[r]);
                    }

                    var t2 = Stopwatch.GetTimestamp();
                    var toStore = new AuditRecordToStore[records];
                    for (var r = 0; r < records; r++)
                    {
                        var hash = new byte[32];
                        sha.Hash(bodies[r], hash);
                        toStore[r] = new AuditRecordToStore(++state.Seq, ts, events[r], hash, bodies[r]);
                        state.Prev = hash;
                    }

                    var t3 = Stopwatch.GetTimestamp();
                    store.AppendAsync(toStore, null, default).GetAwaiter().GetResult();
                    var t4 = Stopwatch.GetTimestamp();
                    into?.Add("event", t0, t1);
                    into?.Add("encode", t1, t2);
                    into?.Add("sha256", t2, t3);
                    into?.Add("store", t3, t4);

                    Pause(sleep);
                    var s0 = Stopwatch.GetTimestamp();
                    jstore.AppendAsync(toStore, null, default).GetAwaiter().GetResult();
                    into?.Add("jstore", s0, Stopwatch.GetTimestamp());

                    Pause(sleep);
                    var b0 = Stopwatch.GetTimestamp();
                    statements.Begin();
                    var b1 = Stopwatch.GetTimestamp();
                    foreach (var r in toStore)
                    {
                        statements.Insert(r);
                    }

                    var b2 = Stopwatch.GetTimestamp();
                    statements.Commit();
                    var b3 = Stopwatch.GetTimestamp();
                    into?.Add("begin", b0, b1);
                    into?.Add("insert", b1, b2);
                    into?.Add("commit", b2, b3);

                    Pause(sleep);
                    var l0 = Stopwatch.GetTimestamp();
                    foreach (var r in toStore)
                    {
                        if (logOffset + r.Body.Length > LogBytes)
                        {
                            logOffset = 0;
                        }

                        RandomAccess.Write(log, r.Body, logOffset);
                        logOffset += r.Body.Length;
                    }

                    into?.Add("log", l0, Stopwatch.GetTimestamp());

                    TimeTrail(trail, "trail", sleep, records, i, into);
                    TimeTrail(journalTrail, "jtrail", sleep, records, i, into);
                }
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    // The whole awaited append (after the previous response record was queued, with 2 records per commit).
    private static void TimeTrail(HashChainAuditTrail trail, string name, int sleep, int records, int i, Steps? into)
    {
        Pause(sleep);
        if (records > 1)
        {
            trail.EnqueueAsync(ResponseEvent(i), static (_, _) => { }, default).AsTask().GetAwaiter().GetResult();
        }

        var a0 = Stopwatch.GetTimestamp();
        trail.AppendAsync(RequestEvent(i), default).AsTask().GetAwaiter().GetResult();
        into?.Add(name, a0, Stopwatch.GetTimestamp());
    }

    // WARDEN_PROBE_SPIN_US: after the sleep, that many µs of work that touches nothing the commit uses (a running core,
    // cold caches for the commit), to tell a core's wake-up from the commit's own cache misses.
    private static readonly long SpinTicks = long.TryParse(Environment.GetEnvironmentVariable("WARDEN_PROBE_SPIN_US"), out var us) ? us * Stopwatch.Frequency / 1_000_000 : 0;

    private static void Pause(int sleepUs)
    {
        if (sleepUs > 0)
        {
            Thread.Sleep(TimeSpan.FromTicks(sleepUs * 10L));
        }

        var until = Stopwatch.GetTimestamp() + SpinTicks;
        var x = 1UL;
        while (Stopwatch.GetTimestamp() < until)
        {
            x = (x * 6364136223846793005UL) + 1442695040888963407UL;
        }

        GC.KeepAlive(x);
    }

    // The gateway's gateway.request record (ProxyHandler.HandleAsync) and gateway.response record (CompletionEvent).
    private static AuditEvent RequestEvent(int i) => new()
    {
        Type = "gateway.request",
        PrincipalId = "agt_bench_" + (i & 7).ToString(CultureInfo.InvariantCulture),
        AgentId = "agt_bench_" + (i & 7).ToString(CultureInfo.InvariantCulture),
        Action = "llm.chat",
        Provider = "mock",
        Model = "gpt-4o-mini",
        Decision = "allow",
        RuleId = "provider-agents",
    };

    private static AuditEvent ResponseEvent(int i) => RequestEvent(i) with
    {
        Type = "gateway.response",
        Status = 200,
        LatencyMs = 0.412,
        PromptTokens = 412,
        CompletionTokens = 37,
    };

    private sealed class State
    {
        public long Seq;
        public byte[] Prev = new byte[32];
    }

    private sealed class Steps
    {
        private readonly Dictionary<string, List<double>> _steps = [];
        private readonly List<string> _order = [];

        public void Add(string step, long from, long to)
        {
            if (!_steps.TryGetValue(step, out var list))
            {
                _steps[step] = list = [];
                _order.Add(step);
            }

            list.Add(Stopwatch.GetElapsedTime(from, to).TotalMicroseconds);
        }

        public void Print()
        {
            foreach (var step in _order)
            {
                var v = _steps[step];
                v.Sort();
                double P(double q) => v[Math.Min(v.Count - 1, (int)Math.Ceiling(q * v.Count) - 1)];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {step,-8} {P(0.5),8:F1} {P(0.9),8:F1} {v.Average(),8:F1}"));
            }
        }
    }

    /// <summary>The store's transaction through SQLite's own API: BEGIN IMMEDIATE, the record INSERT, COMMIT.</summary>
    private sealed class RawStatements : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly sqlite3_stmt _begin;
        private readonly sqlite3_stmt _insert;
        private readonly sqlite3_stmt _commit;

        public RawStatements(SqliteConnection connection)
        {
            _connection = connection;
            _begin = Prepare("BEGIN IMMEDIATE");
            _insert = Prepare("INSERT INTO audit_records (seq, ts_ms, type, agent_id, user_id, task_id, decision, provider, hash, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
            _commit = Prepare("COMMIT");
        }

        public void Begin() => Step(_begin);

        public void Commit() => Step(_commit);

        public void Insert(AuditRecordToStore r)
        {
            raw.sqlite3_bind_int64(_insert, 1, r.Sequence);
            raw.sqlite3_bind_int64(_insert, 2, r.Timestamp.ToUnixTimeMilliseconds());
            raw.sqlite3_bind_text(_insert, 3, r.Event.Type);
            raw.sqlite3_bind_text(_insert, 4, r.Event.AgentId);
            raw.sqlite3_bind_null(_insert, 5);
            raw.sqlite3_bind_null(_insert, 6);
            raw.sqlite3_bind_text(_insert, 7, r.Event.Decision);
            raw.sqlite3_bind_text(_insert, 8, r.Event.Provider);
            raw.sqlite3_bind_blob(_insert, 9, r.Hash);
            raw.sqlite3_bind_blob(_insert, 10, r.Body);
            Step(_insert);
            raw.sqlite3_clear_bindings(_insert);
        }

        public void Dispose()
        {
            _begin.Dispose();
            _insert.Dispose();
            _commit.Dispose();
        }

        private sqlite3_stmt Prepare(string sql)
        {
            if (raw.sqlite3_prepare_v2(_connection.Handle, sql, out var statement) != raw.SQLITE_OK)
            {
                throw new InvalidOperationException(raw.sqlite3_errmsg(_connection.Handle).utf8_to_string());
            }

            return statement;
        }

        private void Step(sqlite3_stmt statement)
        {
            var rc = raw.sqlite3_step(statement);
            raw.sqlite3_reset(statement);
            if (rc != raw.SQLITE_DONE)
            {
                throw new InvalidOperationException(raw.sqlite3_errmsg(_connection.Handle).utf8_to_string());
            }
        }
    }
}
