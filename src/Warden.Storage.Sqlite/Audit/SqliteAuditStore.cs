using System.Text;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// The embedded audit store: WAL mode, one long-lived writer connection with
/// <c>synchronous=FULL</c> (a committed batch survives power loss, not only a crash), one
/// transaction per group commit with prepared statements.
/// </summary>
public sealed class SqliteAuditStore : IAuditStore, IAuditContentStore, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;

    public SqliteAuditStore(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        _database.EnsureSchema(SqliteAuditSchema.Ddl);
        return Task.CompletedTask;
    }

    public async Task AppendAsync(IReadOnlyList<AuditRecordToStore> records, AuditCheckpointRow? checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var connection = Writer();
            using var tx = connection.BeginTransaction(deferred: false);
            try
            {
                if (records.Count > 0)
                {
                    using var insert = connection.CreateCommand();
                    insert.Transaction = tx;
                    insert.CommandText = "INSERT INTO audit_records (seq, ts_ms, type, agent_id, user_id, task_id, decision, provider, hash, body) VALUES ($seq, $ts, $type, $agent, $user, $task, $decision, $provider, $hash, $body)";
                    var pSeq = insert.Parameters.Add("$seq", SqliteType.Integer);
                    var pTs = insert.Parameters.Add("$ts", SqliteType.Integer);
                    var pType = insert.Parameters.Add("$type", SqliteType.Text);
                    var pAgent = insert.Parameters.Add("$agent", SqliteType.Text);
                    var pUser = insert.Parameters.Add("$user", SqliteType.Text);
                    var pTask = insert.Parameters.Add("$task", SqliteType.Text);
                    var pDecision = insert.Parameters.Add("$decision", SqliteType.Text);
                    var pProvider = insert.Parameters.Add("$provider", SqliteType.Text);
                    var pHash = insert.Parameters.Add("$hash", SqliteType.Blob);
                    var pBody = insert.Parameters.Add("$body", SqliteType.Blob);
                    insert.Prepare();
                    foreach (var r in records)
                    {
                        pSeq.Value = r.Sequence;
                        pTs.Value = r.Timestamp.ToUnixTimeMilliseconds();
                        pType.Value = r.Event.Type;
                        pAgent.Value = (object?)r.Event.AgentId ?? DBNull.Value;
                        pUser.Value = (object?)r.Event.OnBehalfOf ?? DBNull.Value;
                        pTask.Value = (object?)r.Event.TaskId ?? DBNull.Value;
                        pDecision.Value = (object?)r.Event.Decision ?? DBNull.Value;
                        pProvider.Value = (object?)r.Event.Provider ?? DBNull.Value;
                        pHash.Value = r.Hash;
                        pBody.Value = r.Body;
                        insert.ExecuteNonQuery();
                    }
                }

                if (checkpoint is not null)
                {
                    using var cp = connection.CreateCommand();
                    cp.Transaction = tx;
                    cp.CommandText = "INSERT INTO audit_checkpoints (seq, ts_ms, body, signature) VALUES ($seq, $ts, $body, $sig)";
                    cp.Parameters.AddWithValue("$seq", checkpoint.Sequence);
                    cp.Parameters.AddWithValue("$ts", checkpoint.Timestamp.ToUnixTimeMilliseconds());
                    cp.Parameters.AddWithValue("$body", checkpoint.Body);
                    cp.Parameters.AddWithValue("$sig", checkpoint.Signature);
                    cp.ExecuteNonQuery();
                }

                tx.Commit();
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode is 1555 or 2067)
            {
                throw new AuditConflictException("audit sequence number already taken", ex);
            }
        }
        catch
        {
            DropWriter();
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<AuditChainHead> ReadHeadAsync(CancellationToken cancellationToken)
    {
        using var connection = _database.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1";
        long seq = 0;
        var hash = new byte[32];
        using (var reader = cmd.ExecuteReader())
        {
            if (reader.Read())
            {
                seq = reader.GetInt64(0);
                hash = (byte[])reader.GetValue(1);
            }
        }

        cmd.CommandText = "SELECT seq, ts_ms FROM audit_checkpoints ORDER BY seq DESC LIMIT 1";
        long cpSeq = 0;
        DateTimeOffset? cpTs = null;
        using (var reader = cmd.ExecuteReader())
        {
            if (reader.Read())
            {
                cpSeq = reader.GetInt64(0);
                cpTs = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
            }
        }

        return Task.FromResult(new AuditChainHead(seq, hash, cpSeq, cpTs));
    }

    public Task<IReadOnlyList<AuditRow>> ReadRangeAsync(long fromSequence, int limit, CancellationToken cancellationToken)
    {
        using var connection = _database.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT seq, hash, body FROM audit_records WHERE seq >= $from ORDER BY seq LIMIT $limit";
        cmd.Parameters.AddWithValue("$from", fromSequence);
        cmd.Parameters.AddWithValue("$limit", limit);
        return Task.FromResult<IReadOnlyList<AuditRow>>(ReadRows(cmd));
    }

    public Task<IReadOnlyList<AuditCheckpointRow>> ReadCheckpointsAsync(CancellationToken cancellationToken)
    {
        using var connection = _database.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT seq, ts_ms, body, signature FROM audit_checkpoints ORDER BY seq";
        var list = new List<AuditCheckpointRow>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            list.Add(new AuditCheckpointRow(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), Bytes(reader, 2), Bytes(reader, 3)));
        }

        return Task.FromResult<IReadOnlyList<AuditCheckpointRow>>(list);
    }

    public Task<IReadOnlyList<AuditRow>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        using var connection = _database.Open();
        using var cmd = connection.CreateCommand();
        var sql = new StringBuilder("SELECT seq, hash, body FROM audit_records WHERE seq > $after");
        cmd.Parameters.AddWithValue("$after", query.AfterSequence);
        Filter(cmd, sql, "agent_id", "$agent", query.AgentId);
        Filter(cmd, sql, "user_id", "$user", query.UserId);
        Filter(cmd, sql, "task_id", "$task", query.TaskId);
        Filter(cmd, sql, "decision", "$decision", query.Decision);
        Filter(cmd, sql, "provider", "$provider", query.Provider);
        Filter(cmd, sql, "type", "$type", query.Type);
        if (query.From is { } from)
        {
            sql.Append(" AND ts_ms >= $from");
            cmd.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            sql.Append(" AND ts_ms < $to");
            cmd.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        }

        sql.Append(" ORDER BY seq LIMIT $limit");
        cmd.Parameters.AddWithValue("$limit", query.Limit);
        cmd.CommandText = sql.ToString();
        return Task.FromResult<IReadOnlyList<AuditRow>>(ReadRows(cmd));
    }

    public Task PutContentAsync(CapturedContent content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var connection = _database.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA synchronous=FULL; INSERT OR REPLACE INTO audit_content (content_hmac, created_ms, expires_ms, nonce, ciphertext, tag) VALUES ($h, $c, $e, $n, $x, $t)";
        cmd.Parameters.AddWithValue("$h", content.ContentHmac);
        cmd.Parameters.AddWithValue("$c", content.CreatedAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$e", content.ExpiresAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$n", content.Nonce);
        cmd.Parameters.AddWithValue("$x", content.Ciphertext);
        cmd.Parameters.AddWithValue("$t", content.Tag);
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<CapturedContent?> GetContentAsync(string contentHmac, CancellationToken cancellationToken)
    {
        using var connection = _database.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT content_hmac, created_ms, expires_ms, nonce, ciphertext, tag FROM audit_content WHERE content_hmac = $h";
        cmd.Parameters.AddWithValue("$h", contentHmac);
        using var reader = cmd.ExecuteReader();
        if (!reader.Read())
        {
            return Task.FromResult<CapturedContent?>(null);
        }

        return Task.FromResult<CapturedContent?>(new CapturedContent(
            reader.GetString(0),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
            Bytes(reader, 3),
            Bytes(reader, 4),
            Bytes(reader, 5)));
    }

    public Task<int> DeleteExpiredContentAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var connection = _database.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "DELETE FROM audit_content WHERE expires_ms <= $now";
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return Task.FromResult(cmd.ExecuteNonQuery());
    }

    public void Dispose()
    {
        DropWriter();
        _writeLock.Dispose();
    }

    private SqliteConnection Writer()
    {
        if (_writer is null)
        {
            var connection = _database.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA synchronous=FULL;";
            cmd.ExecuteNonQuery();
            _writer = connection;
        }

        return _writer;
    }

    private void DropWriter()
    {
        _writer?.Dispose();
        _writer = null;
    }

    private static void Filter(SqliteCommand cmd, StringBuilder sql, string column, string parameter, string? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(column).Append(" = ").Append(parameter);
            cmd.Parameters.AddWithValue(parameter, value);
        }
    }

    private static List<AuditRow> ReadRows(SqliteCommand cmd)
    {
        var rows = new List<AuditRow>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new AuditRow(reader.GetInt64(0), Bytes(reader, 1), Bytes(reader, 2)));
        }

        return rows;
    }

    private static byte[] Bytes(SqliteDataReader reader, int ordinal) =>
        reader.GetValue(ordinal) switch
        {
            byte[] b => b,
            string s => Encoding.UTF8.GetBytes(s),
            _ => [],
        };
}
