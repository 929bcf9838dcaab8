using System.Globalization;

namespace Warden.Storage.Sqlite.ProviderKeys;

/// <summary>
/// Provider API keys, stored ONLY as ciphertext produced by the caller (the gateway encrypts with
/// ASP.NET Core Data Protection before calling <see cref="Set"/>). Table <c>provider_keys</c>.
/// </summary>
public sealed class SqliteProviderKeyStore
{
    private readonly SqliteDatabase _db;
    private readonly TimeProvider _time;

    /// <summary>Creates the store and its table.</summary>
    public SqliteProviderKeyStore(SqliteDatabase db, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
        _time = time ?? TimeProvider.System;
        _db.EnsureSchema("""
            CREATE TABLE IF NOT EXISTS provider_keys (
                provider TEXT PRIMARY KEY,
                protected_key TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            """);
    }

    /// <summary>Stores (or replaces) the protected key of <paramref name="provider"/>.</summary>
    public void Set(string provider, string protectedKey)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO provider_keys (provider, protected_key, updated_at) VALUES ($p, $k, $t)
            ON CONFLICT(provider) DO UPDATE SET protected_key = excluded.protected_key, updated_at = excluded.updated_at;
            """;
        cmd.Parameters.AddWithValue("$p", provider);
        cmd.Parameters.AddWithValue("$k", protectedKey);
        cmd.Parameters.AddWithValue("$t", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    }

    /// <summary>The protected key of <paramref name="provider"/>, or null.</summary>
    public string? Get(string provider)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT protected_key FROM provider_keys WHERE provider = $p";
        cmd.Parameters.AddWithValue("$p", provider);
        return cmd.ExecuteScalar() as string;
    }

    /// <summary>Deletes the stored key of <paramref name="provider"/>; false when there was none.</summary>
    public bool Delete(string provider)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "DELETE FROM provider_keys WHERE provider = $p";
        cmd.Parameters.AddWithValue("$p", provider);
        return cmd.ExecuteNonQuery() > 0;
    }

    /// <summary>Names of providers with a stored key.</summary>
    public IReadOnlyList<string> List()
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT provider FROM provider_keys ORDER BY provider";
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read())
        {
            list.Add(r.GetString(0));
        }

        return list;
    }
}
