using Microsoft.Data.Sqlite;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// Builds the block filters (<see cref="SqliteAuditBlockFilter"/>) as the writer appends: the filter of the block being
/// filled lives in memory; when its last record is appended the filter is copied aside and stored by the writer's NEXT
/// transaction (<see cref="FlushPending"/>), so the transaction that acknowledges callers never writes the 4 KB filter
/// (the trail gives it a transaction of its own as soon as no caller waits). A crash in between leaves a complete block
/// without a filter: queries scan everything after the last stored filter, and <see cref="CatchUp"/> stores it when the
/// next writer opens. When the writer connection
/// opens, <see cref="CatchUp"/> stores the filters of complete blocks that have none (a trail written before filters
/// existed) and rebuilds the partial last block from its rows (the in-memory filter died with the previous writer).
/// Owned by one writer connection; dropped with it after any failure, so a rolled-back transaction never leaves the
/// memory state ahead of the file.
/// </summary>
internal sealed class SqliteAuditBlockWriter
{
    private readonly SqliteAuditBlockFilter _filter = new();
    private readonly byte[] _pendingBits = new byte[SqliteAuditBlockFilter.Bytes];
    private long _block = -1;
    private long _pendingBlock = -1;
    private bool _dirty;

    /// <summary>A completed block's filter waits for the next transaction.</summary>
    public bool HasPending => _pendingBlock >= 0;

    public void CatchUp(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction(deferred: false);
        long from;
        using (var max = connection.CreateCommand())
        {
            max.Transaction = tx;
            max.CommandText = "SELECT max(block) FROM audit_blocks";
            from = max.ExecuteScalar() is long last ? SqliteAuditBlockFilter.FirstSequence(last + 1) : 1;
        }

        using (var rows = connection.CreateCommand())
        {
            rows.Transaction = tx;
            rows.CommandText = "SELECT seq, agent_id, user_id, task_id FROM audit_records WHERE seq >= $from ORDER BY seq";
            rows.Parameters.AddWithValue("$from", from);
            using var reader = rows.ExecuteReader();
            while (reader.Read())
            {
                Add(connection, tx, reader.GetInt64(0), Text(reader, 1), Text(reader, 2), Text(reader, 3));
            }
        }

        FlushPending(connection, tx);
        tx.Commit();
    }

    /// <summary>Adds a record's ids; stores the block's filter when <paramref name="sequence"/> completes it.</summary>
    public void Add(SqliteConnection connection, SqliteTransaction? transaction, long sequence, string? agent, string? user, string? task)
    {
        var block = SqliteAuditBlockFilter.BlockOf(sequence);
        if (block != _block)
        {
            if (_dirty)
            {
                Complete(connection, transaction); // a block with a gap at its end: store what it has
            }

            _filter.Clear();
            _block = block;
        }

        _filter.Add(SqliteAuditKey.Agent, agent);
        _filter.Add(SqliteAuditKey.User, user);
        _filter.Add(SqliteAuditKey.Task, task);
        _dirty = true;
        if (sequence == SqliteAuditBlockFilter.LastSequence(block))
        {
            Complete(connection, transaction);
        }
    }

    /// <summary>Stores the filter of the last completed block, if it waits (at the start of every writer transaction).</summary>
    public void FlushPending(SqliteConnection connection, SqliteTransaction? transaction)
    {
        if (_pendingBlock < 0)
        {
            return;
        }

        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "INSERT OR REPLACE INTO audit_blocks (block, bits) VALUES ($b, $bits)";
        cmd.Parameters.AddWithValue("$b", _pendingBlock);
        cmd.Parameters.AddWithValue("$bits", _pendingBits);
        cmd.ExecuteNonQuery();
        _pendingBlock = -1;
    }

    // The block is complete: its filter is set aside for the next transaction (one waiting already is stored now;
    // only a catch-up over many blocks completes two in one transaction).
    private void Complete(SqliteConnection connection, SqliteTransaction? transaction)
    {
        FlushPending(connection, transaction);
        _filter.Data.CopyTo(_pendingBits, 0);
        _pendingBlock = _block;
        _dirty = false;
    }

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
