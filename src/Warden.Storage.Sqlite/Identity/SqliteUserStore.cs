using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Warden.Core.Identity;

namespace Warden.Storage.Sqlite.Identity;

/// <summary>Users (table <c>users</c>) and their key hashes (table <c>user_keys</c>).</summary>
public sealed class SqliteUserStore : IUserStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS users (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            rights_json TEXT NOT NULL,
            external_subject TEXT NULL UNIQUE,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS user_keys (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            key_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        """;

    private const string Columns = "id, name, rights_json, external_subject, disabled, created_at";
    private readonly SqliteDatabase _db;
    private readonly TimeProvider _time;

    /// <summary>Creates the store and its tables.</summary>
    public SqliteUserStore(SqliteDatabase db, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
        _time = time;
        _db.EnsureSchema(Schema);
    }

    /// <inheritdoc />
    public ValueTask<UserRecord> CreateAsync(string name, IReadOnlyList<string> rights, string? externalSubject, CancellationToken cancellationToken)
    {
        var user = new UserRecord("usr_" + UserKeys.Base64Url(RandomNumberGenerator.GetBytes(9)), name, rights.ToArray(), _time.GetUtcNow(), externalSubject);
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO users (id, name, rights_json, external_subject, created_at) VALUES ($id, $name, $rights, $ext, $at)";
        cmd.Parameters.AddWithValue("$id", user.Id);
        cmd.Parameters.AddWithValue("$name", name);
        cmd.Parameters.AddWithValue("$rights", ScopeListJson.Write(rights));
        cmd.Parameters.AddWithValue("$ext", (object?)externalSubject ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$at", user.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        try
        {
            cmd.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new InvalidOperationException($"a user named '{name}' (or with that SSO subject) already exists", ex);
        }

        return ValueTask.FromResult(user);
    }

    /// <inheritdoc />
    public ValueTask<UserRecord?> GetAsync(string id, CancellationToken cancellationToken) => One("id = $v", id);

    /// <inheritdoc />
    public ValueTask<UserRecord?> FindByNameAsync(string name, CancellationToken cancellationToken) => One("name = $v", name);

    /// <inheritdoc />
    public ValueTask<UserRecord?> FindByExternalSubjectAsync(string externalSubject, CancellationToken cancellationToken) => One("external_subject = $v", externalSubject);

    /// <inheritdoc />
    public ValueTask<UserRecord?> FindByKeyHashAsync(string keyHash, CancellationToken cancellationToken) =>
        One("id = (SELECT user_id FROM user_keys WHERE key_hash = $v)", keyHash);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<UserRecord>> ListAsync(CancellationToken cancellationToken)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM users ORDER BY name";
        using var r = cmd.ExecuteReader();
        var list = new List<UserRecord>();
        while (r.Read())
        {
            list.Add(Read(r));
        }

        return ValueTask.FromResult<IReadOnlyList<UserRecord>>(list);
    }

    /// <inheritdoc />
    public ValueTask<bool> SetRightsAsync(string id, IReadOnlyList<string> rights, CancellationToken cancellationToken) =>
        Update("rights_json = $x", ScopeListJson.Write(rights), id);

    /// <inheritdoc />
    public ValueTask<bool> SetDisabledAsync(string id, bool disabled, CancellationToken cancellationToken) =>
        Update("disabled = $x", disabled ? 1 : 0, id);

    /// <inheritdoc />
    public ValueTask<string> AddKeyAsync(string userId, string keyHash, CancellationToken cancellationToken)
    {
        var keyId = "ukey_" + UserKeys.Base64Url(RandomNumberGenerator.GetBytes(9));
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO user_keys (id, user_id, key_hash, created_at) VALUES ($id, $user, $hash, $at)";
        cmd.Parameters.AddWithValue("$id", keyId);
        cmd.Parameters.AddWithValue("$user", userId);
        cmd.Parameters.AddWithValue("$hash", keyHash);
        cmd.Parameters.AddWithValue("$at", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        try
        {
            cmd.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new InvalidOperationException("no such user", ex);
        }

        return ValueTask.FromResult(keyId);
    }

    private ValueTask<bool> Update(string set, object value, string id)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"UPDATE users SET {set} WHERE id = $id";
        cmd.Parameters.AddWithValue("$x", value);
        cmd.Parameters.AddWithValue("$id", id);
        return ValueTask.FromResult(cmd.ExecuteNonQuery() == 1);
    }

    private ValueTask<UserRecord?> One(string where, string value)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM users WHERE {where}";
        cmd.Parameters.AddWithValue("$v", value);
        using var r = cmd.ExecuteReader();
        return ValueTask.FromResult(r.Read() ? Read(r) : null);
    }

    private static UserRecord Read(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        ScopeListJson.Read(r.GetString(2)),
        DateTimeOffset.Parse(r.GetString(5), CultureInfo.InvariantCulture),
        r.IsDBNull(3) ? null : r.GetString(3),
        r.GetInt64(4) != 0);
}
