using Microsoft.Data.Sqlite;
using SQLitePCL;
using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

public sealed partial class SqliteAuditStore
{
    /// <summary>
    /// The record and checkpoint INSERTs, prepared once per writer connection through SQLite's own API (bound by
    /// index, no per-row command, reader or parameter lookups) and reset after every row.
    /// </summary>
    private sealed class WriterStatements : IDisposable
    {
        private readonly List<sqlite3_stmt> _all = new(5);
        private readonly sqlite3_stmt _insert;
        private readonly sqlite3_stmt _checkpoint;
        private readonly sqlite3_stmt _begin;
        private readonly sqlite3_stmt _commit;
        private readonly sqlite3_stmt _rollback;

        public WriterStatements(SqliteConnection connection)
        {
            try
            {
                _insert = Prepare(connection, "INSERT INTO audit_records (seq, ts_ms, type, agent_id, user_id, task_id, decision, provider, hash, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
                _checkpoint = Prepare(connection, "INSERT INTO audit_checkpoints (seq, ts_ms, body, signature) VALUES (?1, ?2, ?3, ?4)");
                // The group commit's own BEGIN/COMMIT, prepared once too (a SqliteTransaction prepares both per batch).
                _begin = Prepare(connection, "BEGIN IMMEDIATE");
                _commit = Prepare(connection, "COMMIT");
                _rollback = Prepare(connection, "ROLLBACK");
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>Starts the batch's write transaction (the connection's busy timeout applies).</summary>
        public void Begin(SqliteConnection connection) => Step(connection, _begin);

        /// <summary>Commits it: durable as the connection's <c>synchronous</c> setting says when this returns.</summary>
        public void Commit(SqliteConnection connection) => Step(connection, _commit);

        /// <summary>Rolls back a transaction still open after a failure (no-op when none is).</summary>
        public void Rollback(SqliteConnection connection)
        {
            if (raw.sqlite3_get_autocommit(connection.Handle) == 0)
            {
                raw.sqlite3_step(_rollback);
                raw.sqlite3_reset(_rollback);
            }
        }

        public void InsertCheckpoint(SqliteConnection connection, AuditCheckpointRow checkpoint)
        {
            raw.sqlite3_bind_int64(_checkpoint, 1, checkpoint.Sequence);
            raw.sqlite3_bind_int64(_checkpoint, 2, checkpoint.Timestamp.ToUnixTimeMilliseconds());
            raw.sqlite3_bind_blob(_checkpoint, 3, checkpoint.Body);
            raw.sqlite3_bind_blob(_checkpoint, 4, checkpoint.Signature);
            Step(connection, _checkpoint, clearBindings: true);
        }

        public void Insert(SqliteConnection connection, AuditRecordToStore r)
        {
            var e = r.Event;
            raw.sqlite3_bind_int64(_insert, 1, r.Sequence);
            raw.sqlite3_bind_int64(_insert, 2, r.Timestamp.ToUnixTimeMilliseconds());
            Text(3, e.Type);
            Text(4, e.AgentId);
            Text(5, e.OnBehalfOf);
            Text(6, e.TaskId);
            Text(7, e.Decision);
            Text(8, e.Provider);
            raw.sqlite3_bind_blob(_insert, 9, r.Hash);
            raw.sqlite3_bind_blob(_insert, 10, r.Body);
            Step(connection, _insert, clearBindings: true);
        }

        /// <summary>The block filters this writer maintains (see <see cref="SqliteAuditBlockWriter"/>).</summary>
        public SqliteAuditBlockWriter Blocks { get; } = new();

        public void Dispose()
        {
            foreach (var statement in _all)
            {
                statement.Dispose();
            }
        }

        private static void Check(SqliteConnection connection, int rc) => SqliteAuditStore.Check(connection, rc);

        /// <summary>Runs a statement that returns no rows, then resets it (and clears its bindings, which may hold record bytes).</summary>
        private static void Step(SqliteConnection connection, sqlite3_stmt statement, bool clearBindings = false)
        {
            try
            {
                var rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(connection, rc);
                }
            }
            finally
            {
                raw.sqlite3_reset(statement);
                if (clearBindings)
                {
                    raw.sqlite3_clear_bindings(statement);
                }
            }
        }

        private sqlite3_stmt Prepare(SqliteConnection connection, string sql)
        {
            var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement);
            _all.Add(statement);
            Check(connection, rc);
            return statement;
        }

        private void Text(int index, string? value)
        {
            if (value is null)
            {
                raw.sqlite3_bind_null(_insert, index);
            }
            else
            {
                raw.sqlite3_bind_text(_insert, index, value);
            }
        }
    }
}
