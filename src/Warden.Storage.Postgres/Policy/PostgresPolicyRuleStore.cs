using Npgsql;
using Warden.Core.Policy;

namespace Warden.Storage.Postgres.Policy;

/// <summary>
/// Admin-API policy rules in PostgreSQL (tables <c>policy_rules</c> and <c>policy_revision</c>), shared by every
/// replica. Each change bumps the revision in the same transaction, only if it is still the expected one.
/// </summary>
public sealed class PostgresPolicyRuleStore : IPolicyRuleStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS policy_rules (
            id text PRIMARY KEY,
            position bigserial NOT NULL,
            body text NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE TABLE IF NOT EXISTS policy_revision (
            singleton int PRIMARY KEY CHECK (singleton = 1),
            revision bigint NOT NULL
        );
        INSERT INTO policy_revision (singleton, revision) VALUES (1, 0) ON CONFLICT DO NOTHING;
        """;

    private readonly PostgresDatabase _db;
    private readonly TimeProvider _time;
    private readonly Lazy<Task> _schema;

    /// <summary>Creates the store; the tables are created on first use.</summary>
    public PostgresPolicyRuleStore(PostgresDatabase db, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
        _time = time;
        _schema = new Lazy<Task>(() => _db.EnsureSchemaAsync(Schema));
    }

    /// <inheritdoc />
    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        await _schema.Value;
        await using var cmd = _db.DataSource.CreateCommand("SELECT revision FROM policy_revision WHERE singleton = 1");
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<PolicyRuleSnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        await _schema.Value;
        await using var c = await _db.DataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var cmd = new NpgsqlCommand("SELECT revision FROM policy_revision WHERE singleton = 1", c, tx);
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
                INSERT INTO policy_rules (id, body, updated_at) VALUES (@id, @body, @at)
                ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """;
            cmd.Parameters.AddWithValue("id", rule.Id);
            cmd.Parameters.AddWithValue("body", PolicyRuleJson.Serialize(rule));
            cmd.Parameters.AddWithValue("at", _time.GetUtcNow());
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long?> DeleteAsync(string id, long expectedRevision, CancellationToken cancellationToken) =>
        ChangeAsync(expectedRevision, cmd =>
        {
            cmd.CommandText = "DELETE FROM policy_rules WHERE id = @id";
            cmd.Parameters.AddWithValue("id", id);
        }, cancellationToken);

    private async Task<long?> ChangeAsync(long expectedRevision, Action<NpgsqlCommand> change, CancellationToken cancellationToken)
    {
        await _schema.Value;
        await using var c = await _db.DataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await c.BeginTransactionAsync(cancellationToken);
        await using var bump = new NpgsqlCommand("UPDATE policy_revision SET revision = revision + 1 WHERE singleton = 1 AND revision = @expected RETURNING revision", c, tx);
        bump.Parameters.AddWithValue("expected", expectedRevision);
        if (await bump.ExecuteScalarAsync(cancellationToken) is not long revision)
        {
            await tx.RollbackAsync(cancellationToken);
            return null;
        }

        await using var cmd = new NpgsqlCommand(null, c, tx);
        change(cmd);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return revision;
    }
}
