using Microsoft.Data.Sqlite;

namespace Warden.Storage.Sqlite;

/// <summary>
/// The embedded database: one SQLite file in the data directory, opened in WAL mode. Every
/// SQLite-backed store takes this and creates its own tables (<c>CREATE TABLE IF NOT EXISTS</c>).
/// </summary>
public sealed class SqliteDatabase
{
    /// <summary>Opens (creating if needed) <paramref name="path"/>. Use <c>:memory:</c>-free paths only.</summary>
    public SqliteDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();

        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL;";
        cmd.ExecuteNonQuery();
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <summary>The connection string (contains no secret).</summary>
    public string ConnectionString { get; }

    /// <summary>Opens a pooled connection with Warden's pragmas applied.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;";
        cmd.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Runs a DDL script (idempotent statements only).</summary>
    public void EnsureSchema(string ddl)
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = ddl;
        cmd.ExecuteNonQuery();
    }
}
