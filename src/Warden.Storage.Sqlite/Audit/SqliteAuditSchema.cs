namespace Warden.Storage.Sqlite.Audit;

internal static class SqliteAuditSchema
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS audit_records (
            seq INTEGER PRIMARY KEY,
            ts_ms INTEGER NOT NULL,
            type TEXT NOT NULL,
            agent_id TEXT NULL,
            user_id TEXT NULL,
            task_id TEXT NULL,
            decision TEXT NULL,
            provider TEXT NULL,
            hash BLOB NOT NULL,
            body BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_audit_records_ts ON audit_records (ts_ms);
        CREATE INDEX IF NOT EXISTS ix_audit_records_agent ON audit_records (agent_id, seq) WHERE agent_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_audit_records_user ON audit_records (user_id, seq) WHERE user_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_audit_records_task ON audit_records (task_id, seq) WHERE task_id IS NOT NULL;
        CREATE TABLE IF NOT EXISTS audit_checkpoints (
            seq INTEGER PRIMARY KEY,
            ts_ms INTEGER NOT NULL,
            body BLOB NOT NULL,
            signature BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS audit_content (
            content_hmac TEXT PRIMARY KEY,
            created_ms INTEGER NOT NULL,
            expires_ms INTEGER NOT NULL,
            nonce BLOB NOT NULL,
            ciphertext BLOB NOT NULL,
            tag BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_audit_content_expires ON audit_content (expires_ms);
        """;
}
