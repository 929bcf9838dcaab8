using System.Text;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// The SQLite query path. Without an agent/user/task filter or time bounds: one scan in sequence order (the primary
/// key). With them: the stored block rows are read in order — each block's Bloom filter (<c>audit_blocks</c>) when ids
/// are asked for, its lowest and highest timestamp (<c>audit_block_times</c>) when times are — and every block that one
/// of them rules out splits the scan; everything else (blocks that may match, blocks without stored rows, the block
/// being filled) is scanned by sequence range. Every filter is still applied to the rows themselves, so a false
/// positive costs a block scan, never a wrong answer; a block is skipped only on what its stored rows prove.
/// </summary>
internal static class SqliteAuditQuery
{
    public static List<AuditRow> Run(SqliteConnection connection, AuditQuery query)
    {
        var keys = new List<(SqliteAuditKey Key, string Value)>(3);
        AddKey(keys, SqliteAuditKey.Agent, query.AgentId);
        AddKey(keys, SqliteAuditKey.User, query.UserId);
        AddKey(keys, SqliteAuditKey.Task, query.TaskId);
        var from = query.From?.ToUnixTimeMilliseconds();
        var to = query.To?.ToUnixTimeMilliseconds();
        using var tx = connection.BeginTransaction(deferred: true); // one snapshot for the block rows and the records
        var rows = new List<AuditRow>();
        var lo = query.AfterSequence + 1;
        if (keys.Count == 0 && from is null && to is null)
        {
            Scan(connection, tx, query, lo, long.MaxValue, query.Limit, rows);
            return rows;
        }

        var first = SqliteAuditBlockFilter.BlockOf(lo);
        using var filterCommand = keys.Count > 0 ? Command(connection, tx, "SELECT block, bits FROM audit_blocks WHERE block >= $first ORDER BY block", first) : null;
        using var timesCommand = from is not null || to is not null ? Command(connection, tx, "SELECT block, ts_min, ts_max FROM audit_block_times WHERE block >= $first ORDER BY block", first) : null;
        using var filters = filterCommand?.ExecuteReader();
        using var times = timesCommand?.ExecuteReader();
        var hasFilter = filters?.Read() == true;
        var hasTimes = times?.Read() == true;
        var next = lo; // every sequence below this is settled
        while (hasFilter || hasTimes)
        {
            var block = Math.Min(hasFilter ? filters!.GetInt64(0) : long.MaxValue, hasTimes ? times!.GetInt64(0) : long.MaxValue);
            var ruledOut = false;
            if (hasFilter && filters!.GetInt64(0) == block)
            {
                var filter = new SqliteAuditBlockFilter((byte[])filters.GetValue(1));
                ruledOut = !keys.TrueForAll(k => filter.MayContain(k.Key, k.Value));
                hasFilter = filters.Read();
            }

            if (hasTimes && times!.GetInt64(0) == block)
            {
                // The rows keep ts_ms >= from AND ts_ms < to; a block whose whole range lies outside holds none of them.
                ruledOut |= (from is { } f && times.GetInt64(2) < f) || (to is { } t && times.GetInt64(1) >= t);
                hasTimes = times.Read();
            }

            if (ruledOut)
            {
                Scan(connection, tx, query, next, SqliteAuditBlockFilter.FirstSequence(block) - 1, query.Limit - rows.Count, rows);
                if (rows.Count >= query.Limit)
                {
                    return rows;
                }

                next = Math.Max(next, SqliteAuditBlockFilter.LastSequence(block) + 1);
            }
        }

        // Everything after the last block ruled out (blocks that may match, blocks without rows, the block being filled).
        Scan(connection, tx, query, next, long.MaxValue, query.Limit - rows.Count, rows);
        return rows;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction tx, string sql, long first)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$first", first);
        return cmd;
    }

    private static void AddKey(List<(SqliteAuditKey, string)> keys, SqliteAuditKey key, string? value)
    {
        if (value is not null)
        {
            keys.Add((key, value));
        }
    }

    private static void Scan(SqliteConnection connection, SqliteTransaction tx, AuditQuery query, long from, long to, int limit, List<AuditRow> rows)
    {
        if (limit <= 0 || from > to)
        {
            return;
        }

        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        var sql = new StringBuilder("SELECT seq, hash, body FROM audit_records WHERE seq >= $lo AND seq <= $hi");
        cmd.Parameters.AddWithValue("$lo", from);
        cmd.Parameters.AddWithValue("$hi", to);
        Filter(cmd, sql, "agent_id", "$agent", query.AgentId);
        Filter(cmd, sql, "user_id", "$user", query.UserId);
        Filter(cmd, sql, "task_id", "$task", query.TaskId);
        Filter(cmd, sql, "decision", "$decision", query.Decision);
        Filter(cmd, sql, "provider", "$provider", query.Provider);
        Filter(cmd, sql, "type", "$type", query.Type);
        if (query.From is { } f)
        {
            sql.Append(" AND ts_ms >= $from");
            cmd.Parameters.AddWithValue("$from", f.ToUnixTimeMilliseconds());
        }

        if (query.To is { } t)
        {
            sql.Append(" AND ts_ms < $to");
            cmd.Parameters.AddWithValue("$to", t.ToUnixTimeMilliseconds());
        }

        sql.Append(" ORDER BY seq LIMIT $limit");
        cmd.Parameters.AddWithValue("$limit", limit);
        cmd.CommandText = sql.ToString();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new AuditRow(reader.GetInt64(0), Bytes(reader, 1), Bytes(reader, 2)));
        }
    }

    private static byte[] Bytes(SqliteDataReader reader, int ordinal) =>
        reader.GetValue(ordinal) switch
        {
            byte[] b => b,
            string s => Encoding.UTF8.GetBytes(s),
            _ => [],
        };

    private static void Filter(SqliteCommand cmd, StringBuilder sql, string column, string parameter, string? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(column).Append(" = ").Append(parameter);
            cmd.Parameters.AddWithValue(parameter, value);
        }
    }
}
