using System.Globalization;
using Microsoft.Data.Sqlite;
using Warden.Core.Policy;

namespace Warden.Storage.Sqlite.Policy;

/// <summary>
/// Admin-API policy rules in SQLite (tables <c>policy_rules</c> and <c>policy_revision</c>). Each change bumps the
/// revision in the same transaction, only if the revision is still the one the change was validated against.
/// </summary>
public sealed class SqlitePolicyRuleStore : IPolicyRuleStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS policy_rules (
            id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            body TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS policy_revision (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            revision INTEGER NOT NULL
        );
        INSERT OR IGNORE INTO policy_revision (singleton, revision) VALUES (1, 0);
        """;

    private readonly SqliteDatabase _db;
    private readonly TimeProvider _time;

    /// <summary>Creates the tables when missing.</summary>
    public SqlitePolicyRuleStore(SqliteDatabase db, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
        _time = time;
        _db.EnsureSchema(Schema);
    }

    /// <inheritdoc />
    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        await using var c = _db.Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT revision FROM policy_revision WHERE singleton = 1";
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<PolicyRuleSnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        await using var c = _db.Open();
        await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancellationToken);
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT revision FROM policy_revision WHERE singleton = 1";
        var revision = (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
        cmd.CommandText = "SELECT body FROM policy_rules ORDER BY position";
        var rules = new List<PolicyRuleDefinition>();
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken))
            {
                rules.Add(PolicyRuleJson.Deserialize(r.GetString(0)));
            }
        }

        await tx.CommitAsync(cancellationToken);
        return new PolicyRuleSnapshot(revision, rules);
    }

    /// <inheritdoc />
    public Task<long?> SaveAsync(PolicyRuleDefinition rule, long expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return ChangeAsync(expectedRevision, cmd =>
        {
            cmd.CommandText = """
                INSERT INTO policy_rules (id, position, body, updated_at)
                VALUES ($id, (SELECT COALESCE(MAX(position), 0) + 1 FROM policy_rules), $body, $at)
                ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """;
            cmd.Parameters.AddWithValue("$id", rule.Id);
            cmd.Parameters.AddWithValue("$body", PolicyRuleJson.Serialize(rule));
            cmd.Parameters.AddWithValue("$at", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long?> DeleteAsync(string id, long expectedRevision, CancellationToken cancellationToken) =>
        ChangeAsync(expectedRevision, cmd =>
        {
            cmd.CommandText = "DELETE FROM policy_rules WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", id);
        }, cancellationToken);

    private async Task<long?> ChangeAsync(long expectedRevision, Action<SqliteCommand> change, CancellationToken cancellationToken)
    {
        await using var c = _db.Open();
        await using (var begin = c.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using var bump = c.CreateCommand();
            bump.CommandText = "UPDATE policy_revision SET revision = revision + 1 WHERE singleton = 1 AND revision = $expected RETURNING revision";
            bump.Parameters.AddWithValue("$expected", expectedRevision);
            if (await bump.ExecuteScalarAsync(cancellationToken) is not long revision)
            {
                await RollbackAsync(c);
                return null;
            }

            await using var cmd = c.CreateCommand();
            change(cmd);
            await cmd.ExecuteNonQueryAsync(cancellationToken);
            await using var commit = c.CreateCommand();
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync(cancellationToken);
            return revision;
        }
        catch
        {
            await RollbackAsync(c);
            throw;
        }
    }

    private static async Task RollbackAsync(SqliteConnection c)
    {
        await using var rollback = c.CreateCommand();
        rollback.CommandText = "ROLLBACK";
        await rollback.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
