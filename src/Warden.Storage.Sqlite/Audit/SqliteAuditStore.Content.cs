using System.Text;
using Microsoft.Data.Sqlite;
using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>Captured content (<see cref="IAuditContentStore"/>): encrypted, apart from the chain, deleted after its retention.</summary>
public sealed partial class SqliteAuditStore
{
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

    private static byte[] Bytes(SqliteDataReader reader, int ordinal) =>
        reader.GetValue(ordinal) switch
        {
            byte[] b => b,
            string s => Encoding.UTF8.GetBytes(s),
            _ => [],
        };
}
