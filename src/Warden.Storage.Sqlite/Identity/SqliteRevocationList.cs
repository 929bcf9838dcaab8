using System.Globalization;
using Warden.Core.Identity;

namespace Warden.Storage.Sqlite.Identity;

/// <summary>
/// The denylist in SQLite (table <c>revocations</c>), served from memory: the embedded default is one
/// process, so a write-through cache makes every revocation effective on the next request without I/O.
/// </summary>
public sealed class SqliteRevocationList : IRevocationList
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS revocations (
            kind INTEGER NOT NULL,
            id TEXT NOT NULL,
            until TEXT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (kind, id)
        );
        """;

    private readonly SqliteDatabase _db;
    private readonly TimeProvider _time;
    private readonly InMemoryRevocationList _cache;

    /// <summary>Creates the table and loads the entries still in force.</summary>
    public SqliteRevocationList(SqliteDatabase db, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
        _time = time;
        _cache = new InMemoryRevocationList(time);
        _db.EnsureSchema(Schema);
        foreach (var (kind, id, until) in ListActive())
        {
            _cache.Add(kind, id, until ?? DateTimeOffset.MaxValue);
        }
    }

    /// <summary>Entries still in force (for copying into Redis).</summary>
    public IReadOnlyList<(RevocationKind Kind, string Id, DateTimeOffset? Until)> ListActive()
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT kind, id, until FROM revocations";
        using var r = cmd.ExecuteReader();
        var now = _time.GetUtcNow();
        var list = new List<(RevocationKind, string, DateTimeOffset?)>();
        while (r.Read())
        {
            DateTimeOffset? until = r.IsDBNull(2) ? null : DateTimeOffset.Parse(r.GetString(2), CultureInfo.InvariantCulture);
            if (until is null || until > now)
            {
                list.Add(((RevocationKind)r.GetInt32(0), r.GetString(1), until));
            }
        }

        return list;
    }

    /// <inheritdoc />
    public ValueTask RevokeAsync(RevocationKind kind, string id, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        using (var c = _db.Open())
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = """
                INSERT INTO revocations (kind, id, until, created_at) VALUES ($kind, $id, $until, $at)
                ON CONFLICT(kind, id) DO UPDATE SET until = CASE WHEN excluded.until IS NULL OR until IS NULL THEN NULL ELSE max(until, excluded.until) END
                """;
            cmd.Parameters.AddWithValue("$kind", (int)kind);
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$until", until is { } u ? u.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) : DBNull.Value);
            cmd.Parameters.AddWithValue("$at", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
        }

        _cache.Add(kind, id, until ?? DateTimeOffset.MaxValue);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<(RevocationKind Kind, string Id)?> FindAsync(string? tokenId, string? taskId, string? principalId, string? onBehalfOf, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_cache.Find(tokenId, taskId, principalId, onBehalfOf));
}
