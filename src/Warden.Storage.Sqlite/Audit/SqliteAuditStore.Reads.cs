using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// The store's reads: the chain head (SQLite's, advanced past what the journal holds), stored hashes, record ranges and
/// pages for the verifier, checkpoints and queries. In-process reads fold the journal first (SqliteAuditStore.JournalFold.cs).
/// </summary>
public sealed partial class SqliteAuditStore
{
    public Task<AuditChainHead> ReadHeadAsync(CancellationToken cancellationToken) => Task.FromResult(ReadHead());

    private AuditChainHead ReadStoredHead()
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

        return new AuditChainHead(seq, hash, cpSeq, cpTs);
    }

    /// <summary>The stored hash of record <paramref name="sequence"/>, or null when there is none.</summary>
    private byte[]? StoredHash(long sequence)
    {
        using var connection = _database.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT hash FROM audit_records WHERE seq = $seq";
        cmd.Parameters.AddWithValue("$seq", sequence);
        return cmd.ExecuteScalar() as byte[];
    }

    public Task<IReadOnlyList<AuditRow>> ReadRangeAsync(long fromSequence, int limit, CancellationToken cancellationToken)
    {
        FoldForRead();
        using var connection = _database.Open();
        // The verifier's bulk read: SQLite's own API (no per-row reader, value boxing or type lookups).
        var rc = raw.sqlite3_prepare_v2(connection.Handle, "SELECT seq, hash, body FROM audit_records WHERE seq >= ?1 ORDER BY seq LIMIT ?2", out var stmt);
        using (stmt)
        {
            Check(connection, rc);
            raw.sqlite3_bind_int64(stmt, 1, fromSequence);
            raw.sqlite3_bind_int64(stmt, 2, limit);
            var rows = new List<AuditRow>(Math.Min(limit, 8192));
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
                rows.Add(new AuditRow(raw.sqlite3_column_int64(stmt, 0), raw.sqlite3_column_blob(stmt, 1).ToArray(), raw.sqlite3_column_blob(stmt, 2).ToArray()));
            }

            if (rc != raw.SQLITE_DONE)
            {
                Check(connection, rc);
            }

            return Task.FromResult<IReadOnlyList<AuditRow>>(rows);
        }
    }

    /// <summary>The verifier's bulk read into a reused page: values copied straight from SQLite's column memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a one-shot `warden audit verify` should not loop at tier 0
    void IAuditPageReader.ReadPage(long fromSequence, int limit, AuditRowPage page)
    {
        FoldForRead();
        using var connection = _database.Open();
        var rc = raw.sqlite3_prepare_v2(connection.Handle, "SELECT seq, hash, body FROM audit_records WHERE seq >= ?1 ORDER BY seq LIMIT ?2", out var stmt);
        using (stmt)
        {
            Check(connection, rc);
            raw.sqlite3_bind_int64(stmt, 1, fromSequence);
            raw.sqlite3_bind_int64(stmt, 2, limit);
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
                page.Add(raw.sqlite3_column_int64(stmt, 0), raw.sqlite3_column_blob(stmt, 1), raw.sqlite3_column_blob(stmt, 2));
            }

            if (rc != raw.SQLITE_DONE)
            {
                Check(connection, rc);
            }
        }
    }

    public Task<IReadOnlyList<AuditCheckpointRow>> ReadCheckpointsAsync(CancellationToken cancellationToken)
    {
        FoldForRead();
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
        FoldForRead();
        using var connection = _database.Open();
        return Task.FromResult<IReadOnlyList<AuditRow>>(SqliteAuditQuery.Run(connection, query));
    }
}
