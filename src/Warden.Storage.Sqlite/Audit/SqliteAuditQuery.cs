using System.Text;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// The SQLite query path. Without an agent/user/task filter: one scan in sequence order (time bounds through the
/// <c>ts_ms</c> index's column). With one: the block filters are read in order and only the blocks that may hold a
/// match are scanned (by their sequence range, the primary key), then the records after the last stored filter (the
/// block being filled). Every filter is still applied to the rows themselves, so a false positive costs a block scan,
/// never a wrong answer.
/// </summary>
internal static class SqliteAuditQuery
{
    public static List<AuditRow> Run(SqliteConnection connection, AuditQuery query)
    {
        var keys = new List<(SqliteAuditKey Key, string Value)>(3);
        AddKey(keys, SqliteAuditKey.Agent, query.AgentId);
        AddKey(keys, SqliteAuditKey.User, query.UserId);
        AddKey(keys, SqliteAuditKey.Task, query.TaskId);
        using var tx = connection.BeginTransaction(deferred: true); // one snapshot for the filters and the rows
        var rows = new List<AuditRow>();
        if (keys.Count == 0)
        {
            Scan(connection, tx, query, query.AfterSequence + 1, long.MaxValue, query.Limit, rows);
            return rows;
        }

        var lo = query.AfterSequence + 1;
        var scannedTo = query.AfterSequence; // every sequence up to here is settled
        using (var blocks = connection.CreateCommand())
        {
            blocks.Transaction = tx;
            blocks.CommandText = "SELECT block, bits FROM audit_blocks WHERE block >= $first ORDER BY block";
            blocks.Parameters.AddWithValue("$first", SqliteAuditBlockFilter.BlockOf(lo));
            using var reader = blocks.ExecuteReader();
            while (reader.Read())
            {
                var block = reader.GetInt64(0);
                var filter = new SqliteAuditBlockFilter((byte[])reader.GetValue(1));
                var last = SqliteAuditBlockFilter.LastSequence(block);
                if (keys.TrueForAll(k => filter.MayContain(k.Key, k.Value)))
                {
                    Scan(connection, tx, query, Math.Max(lo, SqliteAuditBlockFilter.FirstSequence(block)), last, query.Limit - rows.Count, rows);
                    if (rows.Count >= query.Limit)
                    {
                        return rows;
                    }
                }

                scannedTo = Math.Max(scannedTo, last);
            }
        }

        // Records after the last stored filter (the block being filled, or a trail whose writer has not opened yet).
        Scan(connection, tx, query, scannedTo + 1, long.MaxValue, query.Limit - rows.Count, rows);
        return rows;
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
