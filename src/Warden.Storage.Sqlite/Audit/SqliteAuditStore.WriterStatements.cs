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
        private readonly sqlite3_stmt _insert;
        private readonly sqlite3_stmt _checkpoint;

        public WriterStatements(SqliteConnection connection)
        {
            var rc = raw.sqlite3_prepare_v2(connection.Handle,
                "INSERT INTO audit_records (seq, ts_ms, type, agent_id, user_id, task_id, decision, provider, hash, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                out _insert);
            Check(connection, rc);
            rc = raw.sqlite3_prepare_v2(connection.Handle, "INSERT INTO audit_checkpoints (seq, ts_ms, body, signature) VALUES (?1, ?2, ?3, ?4)", out _checkpoint);
            if (rc != raw.SQLITE_OK)
            {
                _insert.Dispose();
                _checkpoint.Dispose();
                Check(connection, rc);
            }
        }

        public void InsertCheckpoint(SqliteConnection connection, AuditCheckpointRow checkpoint)
        {
            try
            {
                raw.sqlite3_bind_int64(_checkpoint, 1, checkpoint.Sequence);
                raw.sqlite3_bind_int64(_checkpoint, 2, checkpoint.Timestamp.ToUnixTimeMilliseconds());
                raw.sqlite3_bind_blob(_checkpoint, 3, checkpoint.Body);
                raw.sqlite3_bind_blob(_checkpoint, 4, checkpoint.Signature);
                var rc = raw.sqlite3_step(_checkpoint);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(connection, rc);
                }
            }
            finally
            {
                raw.sqlite3_reset(_checkpoint);
                raw.sqlite3_clear_bindings(_checkpoint);
            }
        }

        public void Insert(SqliteConnection connection, AuditRecordToStore r)
        {
            var e = r.Event;
            try
            {
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
                var rc = raw.sqlite3_step(_insert);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(connection, rc);
                }
            }
            finally
            {
                raw.sqlite3_reset(_insert);
                raw.sqlite3_clear_bindings(_insert);
            }
        }

        /// <summary>The block filters this writer maintains (see <see cref="SqliteAuditBlockWriter"/>).</summary>
        public SqliteAuditBlockWriter Blocks { get; } = new();

        public void Dispose()
        {
            _insert.Dispose();
            _checkpoint.Dispose();
        }

        private static void Check(SqliteConnection connection, int rc) => SqliteAuditStore.Check(connection, rc);

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
