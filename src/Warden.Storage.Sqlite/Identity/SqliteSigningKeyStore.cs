using System.Globalization;
using Warden.Core.Identity;

namespace Warden.Storage.Sqlite.Identity;

/// <summary>
/// Task-token signing keys (table <c>signing_keys</c>). The private keys are stored as PKCS#8 in the
/// database file, which Warden creates in a directory only its user can read.
/// </summary>
public sealed class SqliteSigningKeyStore : ISigningKeyStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS signing_keys (
            kid TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            pkcs8 BLOB NOT NULL
        );
        """;

    private readonly SqliteDatabase _db;

    /// <summary>Creates the table.</summary>
    public SqliteSigningKeyStore(SqliteDatabase db)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
        _db.EnsureSchema(Schema);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SigningKeyMaterial>> ListAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT kid, created_at, pkcs8 FROM signing_keys WHERE created_at >= $since ORDER BY created_at DESC";
        cmd.Parameters.AddWithValue("$since", Format(since));
        using var r = cmd.ExecuteReader();
        var list = new List<SigningKeyMaterial>();
        while (r.Read())
        {
            list.Add(new SigningKeyMaterial(r.GetString(0), DateTimeOffset.Parse(r.GetString(1), CultureInfo.InvariantCulture), (byte[])r.GetValue(2)));
        }

        return ValueTask.FromResult<IReadOnlyList<SigningKeyMaterial>>(list);
    }

    /// <inheritdoc />
    public ValueTask AddAsync(SigningKeyMaterial key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO signing_keys (kid, created_at, pkcs8) VALUES ($kid, $at, $key)";
        cmd.Parameters.AddWithValue("$kid", key.KeyId);
        cmd.Parameters.AddWithValue("$at", Format(key.CreatedAt));
        cmd.Parameters.AddWithValue("$key", key.Pkcs8PrivateKey);
        cmd.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    // Fixed-width UTC so text order is time order.
    private static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
