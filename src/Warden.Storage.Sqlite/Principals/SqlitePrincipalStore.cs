using System.Globalization;
using Microsoft.Data.Sqlite;
using Warden.Core.Identity;

namespace Warden.Storage.Sqlite.Principals;

/// <summary>
/// SQLite store of agents (table <c>agents</c>) and admin keys (table <c>admin_keys</c>). Only key
/// hashes are stored. The nullable columns owner, type, description, ceiling_json and revoked_at
/// are for the identity engine.
/// </summary>
public sealed class SqlitePrincipalStore : IPrincipalStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS agents (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            key_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            owner TEXT NULL,
            type TEXT NULL,
            description TEXT NULL,
            ceiling_json TEXT NULL,
            revoked_at TEXT NULL
        );
        CREATE TABLE IF NOT EXISTS admin_keys (
            id TEXT PRIMARY KEY,
            key_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        """;

    private const string AgentColumns = "id, name, created_at, owner, type, description, ceiling_json, revoked_at";

    private readonly SqliteDatabase _db;
    private readonly TimeProvider _time;

    /// <summary>Creates the store and its tables.</summary>
    public SqlitePrincipalStore(SqliteDatabase db, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
        _time = time ?? TimeProvider.System;
        _db.EnsureSchema(Schema);
    }

    /// <inheritdoc />
    public ValueTask<AgentRecord> CreateAgentAsync(AgentRecord agent, string keyHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentException.ThrowIfNullOrEmpty(keyHash);
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO agents (id, name, key_hash, created_at, owner, type, description, ceiling_json)
            VALUES ($id, $name, $hash, $created, $owner, $type, $description, $ceiling);
            """;
        cmd.Parameters.AddWithValue("$id", agent.Id);
        cmd.Parameters.AddWithValue("$name", agent.Name);
        cmd.Parameters.AddWithValue("$hash", keyHash);
        cmd.Parameters.AddWithValue("$created", agent.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$owner", (object?)agent.Owner ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$type", (object?)agent.Type ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$description", (object?)agent.Description ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$ceiling", (object?)agent.CeilingJson ?? DBNull.Value);
        try
        {
            cmd.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new InvalidOperationException($"an agent named '{agent.Name}' already exists", ex);
        }

        return ValueTask.FromResult(agent);
    }

    /// <inheritdoc />
    public ValueTask<AgentRecord?> FindAgentByKeyHashAsync(string keyHash, CancellationToken cancellationToken) =>
        ValueTask.FromResult(QueryOne($"SELECT {AgentColumns} FROM agents WHERE key_hash = $v", keyHash));

    /// <inheritdoc />
    public ValueTask<bool> ReplaceAgentKeyAsync(string agentId, string keyHash, CancellationToken cancellationToken)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE agents SET key_hash = $hash WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", agentId);
        cmd.Parameters.AddWithValue("$hash", keyHash);
        return ValueTask.FromResult(cmd.ExecuteNonQuery() == 1);
    }

    /// <inheritdoc />
    public ValueTask<AgentRecord?> FindAgentByNameAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(QueryOne($"SELECT {AgentColumns} FROM agents WHERE name = $v", name));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<AgentRecord>> ListAgentsAsync(CancellationToken cancellationToken)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {AgentColumns} FROM agents ORDER BY created_at, name";
        using var reader = cmd.ExecuteReader();
        var list = new List<AgentRecord>();
        while (reader.Read())
        {
            list.Add(ReadAgent(reader));
        }

        return ValueTask.FromResult<IReadOnlyList<AgentRecord>>(list);
    }

    /// <inheritdoc />
    public ValueTask<bool> HasAdminKeyAsync(CancellationToken cancellationToken)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT EXISTS (SELECT 1 FROM admin_keys)";
        return ValueTask.FromResult(Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) != 0);
    }

    /// <inheritdoc />
    public ValueTask AddAdminKeyAsync(string keyId, string keyHash, CancellationToken cancellationToken)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "INSERT INTO admin_keys (id, key_hash, created_at) VALUES ($id, $hash, $created)";
        cmd.Parameters.AddWithValue("$id", keyId);
        cmd.Parameters.AddWithValue("$hash", keyHash);
        cmd.Parameters.AddWithValue("$created", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<string?> FindAdminKeyAsync(string keyHash, CancellationToken cancellationToken)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id, key_hash FROM admin_keys WHERE key_hash = $v";
        cmd.Parameters.AddWithValue("$v", keyHash);
        using var reader = cmd.ExecuteReader();
        if (reader.Read() && ApiKeys.HashEquals(reader.GetString(1), keyHash))
        {
            return ValueTask.FromResult<string?>(reader.GetString(0));
        }

        return ValueTask.FromResult<string?>(null);
    }

    private AgentRecord? QueryOne(string sql, string value)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$v", value);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? ReadAgent(reader) : null;
    }

    private static AgentRecord ReadAgent(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        DateTimeOffset.Parse(r.GetString(2), CultureInfo.InvariantCulture),
        r.IsDBNull(3) ? null : r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6),
        r.IsDBNull(7) ? null : DateTimeOffset.Parse(r.GetString(7), CultureInfo.InvariantCulture));
}
