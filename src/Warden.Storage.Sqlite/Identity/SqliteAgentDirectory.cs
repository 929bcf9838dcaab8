using System.Text.Json;
using Warden.Core.Identity;
using Warden.Storage.Sqlite.Principals;

namespace Warden.Storage.Sqlite.Identity;

/// <summary>Agent profiles: the owner, type, description and ceiling_json columns of the <c>agents</c> table.</summary>
public sealed class SqliteAgentDirectory : IAgentDirectory
{
    private readonly SqliteDatabase _db;

    /// <summary>Creates the directory (the <c>agents</c> table is created by <see cref="SqlitePrincipalStore"/>).</summary>
    public SqliteAgentDirectory(SqliteDatabase db, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
        _ = new SqlitePrincipalStore(db, time); // ensures the schema
    }

    /// <inheritdoc />
    public ValueTask<AgentProfile?> GetAsync(string agentId, CancellationToken cancellationToken)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, name, owner, type, description, ceiling_json FROM agents WHERE id = $id AND revoked_at IS NULL";
        cmd.Parameters.AddWithValue("$id", agentId);
        using var r = cmd.ExecuteReader();
        if (!r.Read())
        {
            return ValueTask.FromResult<AgentProfile?>(null);
        }

        IReadOnlyList<string> ceiling;
        try
        {
            ceiling = ScopeListJson.Read(r.IsDBNull(5) ? null : r.GetString(5));
        }
        catch (JsonException)
        {
            ceiling = []; // a corrupt ceiling grants nothing
        }

        return ValueTask.FromResult<AgentProfile?>(new AgentProfile(
            r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), ceiling));
    }

    /// <inheritdoc />
    public ValueTask<bool> UpdateAsync(string agentId, string? owner, string? type, string? description, IReadOnlyList<string>? ceiling, CancellationToken cancellationToken)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            UPDATE agents SET owner = coalesce($owner, owner), type = coalesce($type, type),
                description = coalesce($description, description), ceiling_json = coalesce($ceiling, ceiling_json)
            WHERE id = $id
            """;
        cmd.Parameters.AddWithValue("$id", agentId);
        cmd.Parameters.AddWithValue("$owner", (object?)owner ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$type", (object?)type ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$description", (object?)description ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$ceiling", ceiling is null ? DBNull.Value : ScopeListJson.Write(ceiling));
        return ValueTask.FromResult(cmd.ExecuteNonQuery() == 1);
    }
}
