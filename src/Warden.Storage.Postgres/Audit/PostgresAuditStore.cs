using System.Text;
using Npgsql;
using NpgsqlTypes;
using Warden.Core.Audit;

namespace Warden.Storage.Postgres.Audit;

/// <summary>
/// The PostgreSQL audit store. A group commit is one transaction with one multi-row
/// <c>INSERT … SELECT unnest(…)</c>; a taken sequence number (another replica appended first)
/// surfaces as <see cref="AuditConflictException"/> and the trail re-chains.
/// </summary>
public sealed class PostgresAuditStore(PostgresDatabase database) : IAuditStore, IAuditContentStore
{
    private const string UniqueViolation = "23505";

    public Task EnsureCreatedAsync(CancellationToken cancellationToken) =>
        database.EnsureSchemaAsync(PostgresAuditSchema.Ddl, cancellationToken);

    public async Task AppendAsync(IReadOnlyList<AuditRecordToStore> records, AuditCheckpointRow? checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            if (records.Count > 0)
            {
                var n = records.Count;
                var seq = new long[n];
                var ts = new DateTime[n];
                var type = new string[n];
                var agent = new string?[n];
                var user = new string?[n];
                var task = new string?[n];
                var decision = new string?[n];
                var provider = new string?[n];
                var hash = new byte[n][];
                var body = new byte[n][];
                for (var i = 0; i < n; i++)
                {
                    var r = records[i];
                    seq[i] = r.Sequence;
                    ts[i] = r.Timestamp.UtcDateTime;
                    type[i] = r.Event.Type;
                    agent[i] = r.Event.AgentId;
                    user[i] = r.Event.OnBehalfOf;
                    task[i] = r.Event.TaskId;
                    decision[i] = r.Event.Decision;
                    provider[i] = r.Event.Provider;
                    hash[i] = r.Hash;
                    body[i] = r.Body;
                }

                await using var cmd = new NpgsqlCommand(
                    "INSERT INTO audit_records (seq, ts, type, agent_id, user_id, task_id, decision, provider, hash, body) " +
                    "SELECT * FROM unnest(@seq, @ts, @type, @agent, @user, @task, @decision, @provider, @hash, @body)",
                    connection,
                    tx);
                cmd.Parameters.Add(new NpgsqlParameter("seq", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = seq });
                cmd.Parameters.Add(new NpgsqlParameter("ts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = ts });
                cmd.Parameters.Add(new NpgsqlParameter("type", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = type });
                cmd.Parameters.Add(new NpgsqlParameter("agent", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = agent });
                cmd.Parameters.Add(new NpgsqlParameter("user", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = user });
                cmd.Parameters.Add(new NpgsqlParameter("task", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = task });
                cmd.Parameters.Add(new NpgsqlParameter("decision", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = decision });
                cmd.Parameters.Add(new NpgsqlParameter("provider", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = provider });
                cmd.Parameters.Add(new NpgsqlParameter("hash", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = hash });
                cmd.Parameters.Add(new NpgsqlParameter("body", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = body });
                await cmd.ExecuteNonQueryAsync(cancellationToken);
            }

            if (checkpoint is not null)
            {
                await using var cp = new NpgsqlCommand("INSERT INTO audit_checkpoints (seq, ts, body, signature) VALUES (@seq, @ts, @body, @sig)", connection, tx);
                cp.Parameters.AddWithValue("seq", checkpoint.Sequence);
                cp.Parameters.AddWithValue("ts", checkpoint.Timestamp.UtcDateTime);
                cp.Parameters.AddWithValue("body", checkpoint.Body);
                cp.Parameters.AddWithValue("sig", checkpoint.Signature);
                await cp.ExecuteNonQueryAsync(cancellationToken);
            }

            await tx.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
        {
            throw new AuditConflictException("audit sequence number already taken", ex);
        }
    }

    public async Task<AuditChainHead> ReadHeadAsync(CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand(
            "SELECT (SELECT seq FROM audit_records ORDER BY seq DESC LIMIT 1), (SELECT hash FROM audit_records ORDER BY seq DESC LIMIT 1), " +
            "(SELECT seq FROM audit_checkpoints ORDER BY seq DESC LIMIT 1), (SELECT ts FROM audit_checkpoints ORDER BY seq DESC LIMIT 1)");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var seq = reader.IsDBNull(0) ? 0 : reader.GetInt64(0);
        var hash = reader.IsDBNull(1) ? new byte[32] : (byte[])reader.GetValue(1);
        var cpSeq = reader.IsDBNull(2) ? 0 : reader.GetInt64(2);
        DateTimeOffset? cpTs = reader.IsDBNull(3) ? null : new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero);
        return new AuditChainHead(seq, hash, cpSeq, cpTs);
    }

    public async Task<IReadOnlyList<AuditRow>> ReadRangeAsync(long fromSequence, int limit, CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("SELECT seq, hash, body FROM audit_records WHERE seq >= @from ORDER BY seq LIMIT @limit");
        cmd.Parameters.AddWithValue("from", fromSequence);
        cmd.Parameters.AddWithValue("limit", limit);
        return await ReadRowsAsync(cmd, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditCheckpointRow>> ReadCheckpointsAsync(CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("SELECT seq, ts, body, signature FROM audit_checkpoints ORDER BY seq");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<AuditCheckpointRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new AuditCheckpointRow(reader.GetInt64(0), new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero), (byte[])reader.GetValue(2), (byte[])reader.GetValue(3)));
        }

        return list;
    }

    public async Task<IReadOnlyList<AuditRow>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        await using var cmd = database.DataSource.CreateCommand();
        var sql = new StringBuilder("SELECT seq, hash, body FROM audit_records WHERE seq > @after");
        cmd.Parameters.AddWithValue("after", query.AfterSequence);
        Filter(cmd, sql, "agent_id", "agent", query.AgentId);
        Filter(cmd, sql, "user_id", "user", query.UserId);
        Filter(cmd, sql, "task_id", "task", query.TaskId);
        Filter(cmd, sql, "decision", "decision", query.Decision);
        Filter(cmd, sql, "provider", "provider", query.Provider);
        Filter(cmd, sql, "type", "type", query.Type);
        if (query.From is { } from)
        {
            sql.Append(" AND ts >= @from");
            cmd.Parameters.AddWithValue("from", from.UtcDateTime);
        }

        if (query.To is { } to)
        {
            sql.Append(" AND ts < @to");
            cmd.Parameters.AddWithValue("to", to.UtcDateTime);
        }

        sql.Append(" ORDER BY seq LIMIT @limit");
        cmd.Parameters.AddWithValue("limit", query.Limit);
        cmd.CommandText = sql.ToString();
        return await ReadRowsAsync(cmd, cancellationToken);
    }

    public async Task PutContentAsync(CapturedContent content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var cmd = database.DataSource.CreateCommand(
            "INSERT INTO audit_content (content_hmac, created_at, expires_at, nonce, ciphertext, tag) VALUES (@h, @c, @e, @n, @x, @t) " +
            "ON CONFLICT (content_hmac) DO UPDATE SET created_at = excluded.created_at, expires_at = excluded.expires_at, nonce = excluded.nonce, ciphertext = excluded.ciphertext, tag = excluded.tag");
        cmd.Parameters.AddWithValue("h", content.ContentHmac);
        cmd.Parameters.AddWithValue("c", content.CreatedAt.UtcDateTime);
        cmd.Parameters.AddWithValue("e", content.ExpiresAt.UtcDateTime);
        cmd.Parameters.AddWithValue("n", content.Nonce);
        cmd.Parameters.AddWithValue("x", content.Ciphertext);
        cmd.Parameters.AddWithValue("t", content.Tag);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<CapturedContent?> GetContentAsync(string contentHmac, CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("SELECT content_hmac, created_at, expires_at, nonce, ciphertext, tag FROM audit_content WHERE content_hmac = @h");
        cmd.Parameters.AddWithValue("h", contentHmac);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new CapturedContent(
            reader.GetString(0),
            new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero),
            new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero),
            (byte[])reader.GetValue(3),
            (byte[])reader.GetValue(4),
            (byte[])reader.GetValue(5));
    }

    public async Task<int> DeleteExpiredContentAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var cmd = database.DataSource.CreateCommand("DELETE FROM audit_content WHERE expires_at <= @now");
        cmd.Parameters.AddWithValue("now", now.UtcDateTime);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Filter(NpgsqlCommand cmd, StringBuilder sql, string column, string parameter, string? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(column).Append(" = @").Append(parameter);
            cmd.Parameters.AddWithValue(parameter, value);
        }
    }

    private static async Task<IReadOnlyList<AuditRow>> ReadRowsAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        var rows = new List<AuditRow>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new AuditRow(reader.GetInt64(0), (byte[])reader.GetValue(1), (byte[])reader.GetValue(2)));
        }

        return rows;
    }
}
