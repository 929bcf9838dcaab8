using Microsoft.Data.Sqlite;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// Builds the block filters (<see cref="SqliteAuditBlockFilter"/>) and block time ranges as the writer appends: the
/// filter and the lowest and highest <c>ts_ms</c> of the block being filled live in memory; when its last record is
/// appended they are copied aside and stored by the writer's NEXT transaction (<see cref="FlushPending"/>:
/// <c>audit_blocks</c> and <c>audit_block_times</c>, one row each), so the transaction that acknowledges callers never
/// writes them (the trail gives them a transaction of its own as soon as no caller waits). A crash in between leaves a
/// complete block without its rows: queries scan every block that has none, and <see cref="CatchUp"/> stores them
/// when the next writer opens. When the writer connection opens, <see cref="CatchUp"/> stores the rows of complete
/// blocks that have none (a trail written before filters or ranges existed), rebuilds the partial last block from its
/// rows (the in-memory state died with the previous writer) and then drops the <c>ts_ms</c> index of older versions.
/// Owned by one writer connection; dropped with it after any failure, so a rolled-back transaction never leaves the
/// memory state ahead of the file.
/// </summary>
internal sealed class SqliteAuditBlockWriter
{
    private readonly SqliteAuditBlockFilter _filter = new();
    private readonly byte[] _pendingBits = new byte[SqliteAuditBlockFilter.Bytes];
    private long _block = -1;
    private long _pendingBlock = -1;
    private long _tsMin;
    private long _tsMax;
    private long _pendingTsMin;
    private long _pendingTsMax;
    private bool _dirty;

    /// <summary>A completed block's filter waits for the next transaction.</summary>
    public bool HasPending => _pendingBlock >= 0;

    public void CatchUp(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction(deferred: false);
        var lastFilter = Scalar(connection, tx, "SELECT max(block) FROM audit_blocks");
        var lastTimes = Scalar(connection, tx, "SELECT max(block) FROM audit_block_times");
        if (lastFilter is { } f && (lastTimes ?? -1) < f)
        {
            // Blocks filtered before time ranges existed (the trail had the ts_ms index): their ranges from their rows,
            // in one pass in sequence order. Only then is the index dropped (the time-bounded queries now use the ranges).
            using var backfill = connection.CreateCommand();
            backfill.Transaction = tx;
            backfill.CommandText = """
                INSERT OR REPLACE INTO audit_block_times (block, ts_min, ts_max)
                SELECT (seq - 1) / $size, min(ts_ms), max(ts_ms) FROM audit_records WHERE seq >= $from AND seq <= $to GROUP BY (seq - 1) / $size
                """;
            backfill.Parameters.AddWithValue("$size", SqliteAuditBlockFilter.BlockSize);
            backfill.Parameters.AddWithValue("$from", SqliteAuditBlockFilter.FirstSequence((lastTimes ?? -1) + 1));
            backfill.Parameters.AddWithValue("$to", SqliteAuditBlockFilter.LastSequence(f));
            backfill.ExecuteNonQuery();
        }

        using (var rows = connection.CreateCommand())
        {
            rows.Transaction = tx;
            rows.CommandText = "SELECT seq, ts_ms, agent_id, user_id, task_id FROM audit_records WHERE seq >= $from ORDER BY seq";
            rows.Parameters.AddWithValue("$from", lastFilter is { } last ? SqliteAuditBlockFilter.FirstSequence(last + 1) : 1);
            using var reader = rows.ExecuteReader();
            while (reader.Read())
            {
                Add(connection, tx, reader.GetInt64(0), reader.GetInt64(1), Text(reader, 2), Text(reader, 3), Text(reader, 4));
            }
        }

        FlushPending(connection, tx);
        using (var drop = connection.CreateCommand())
        {
            // Every complete block has its range now; the partial one is scanned by time-bounded queries.
            drop.Transaction = tx;
            drop.CommandText = "DROP INDEX IF EXISTS ix_audit_records_ts";
            drop.ExecuteNonQuery();
        }

        tx.Commit();
    }

    /// <summary>Adds a record's ids and time; sets the block's rows aside when <paramref name="sequence"/> completes it.</summary>
    public void Add(SqliteConnection connection, SqliteTransaction? transaction, long sequence, long timestampMs, string? agent, string? user, string? task)
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
            _tsMin = long.MaxValue;
            _tsMax = long.MinValue;
        }

        _filter.Add(SqliteAuditKey.Agent, agent);
        _filter.Add(SqliteAuditKey.User, user);
        _filter.Add(SqliteAuditKey.Task, task);
        _tsMin = Math.Min(_tsMin, timestampMs); // not assumed to grow with the sequence: a clock can step back
        _tsMax = Math.Max(_tsMax, timestampMs);
        _dirty = true;
        if (sequence == SqliteAuditBlockFilter.LastSequence(block))
        {
            Complete(connection, transaction);
        }
    }

    /// <summary>Stores the rows of the last completed block, if they wait (at the start of every writer transaction).</summary>
    public void FlushPending(SqliteConnection connection, SqliteTransaction? transaction)
    {
        if (_pendingBlock < 0)
        {
            return;
        }

        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = """
            INSERT OR REPLACE INTO audit_blocks (block, bits) VALUES ($b, $bits);
            INSERT OR REPLACE INTO audit_block_times (block, ts_min, ts_max) VALUES ($b, $min, $max);
            """;
        cmd.Parameters.AddWithValue("$b", _pendingBlock);
        cmd.Parameters.AddWithValue("$bits", _pendingBits);
        cmd.Parameters.AddWithValue("$min", _pendingTsMin);
        cmd.Parameters.AddWithValue("$max", _pendingTsMax);
        cmd.ExecuteNonQuery();
        _pendingBlock = -1;
    }

    // The block is complete: its rows are set aside for the next transaction (rows waiting already are stored now;
    // only a catch-up over many blocks completes two in one transaction).
    private void Complete(SqliteConnection connection, SqliteTransaction? transaction)
    {
        FlushPending(connection, transaction);
        _filter.Data.CopyTo(_pendingBits, 0);
        _pendingBlock = _block;
        _pendingTsMin = _tsMin;
        _pendingTsMax = _tsMax;
        _dirty = false;
    }

    private static long? Scalar(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd.ExecuteScalar() is long value ? value : null;
    }

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
