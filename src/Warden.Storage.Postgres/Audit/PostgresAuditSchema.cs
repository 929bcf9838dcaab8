namespace Warden.Storage.Postgres.Audit;

internal static class PostgresAuditSchema
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS audit_records (
            seq bigint PRIMARY KEY,
            ts timestamptz NOT NULL,
            type text NOT NULL,
            agent_id text NULL,
            user_id text NULL,
            task_id text NULL,
            decision text NULL,
            provider text NULL,
            hash bytea NOT NULL,
            body bytea NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_audit_records_ts ON audit_records (ts);
        CREATE INDEX IF NOT EXISTS ix_audit_records_agent ON audit_records (agent_id, seq) WHERE agent_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_audit_records_user ON audit_records (user_id, seq) WHERE user_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_audit_records_task ON audit_records (task_id, seq) WHERE task_id IS NOT NULL;
        CREATE TABLE IF NOT EXISTS audit_checkpoints (
            seq bigint PRIMARY KEY,
            ts timestamptz NOT NULL,
            body bytea NOT NULL,
            signature bytea NOT NULL
        );
        CREATE TABLE IF NOT EXISTS audit_content (
            content_hmac text PRIMARY KEY,
            created_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            nonce bytea NOT NULL,
            ciphertext bytea NOT NULL,
            tag bytea NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_audit_content_expires ON audit_content (expires_at);
        """;
}
