namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// Records keyed by sequence (the rowid) with no secondary index. Agent, user and task lookups go through per-block
/// Bloom filters (<c>audit_blocks</c>, see <see cref="SqliteAuditBlockFilter"/>) instead of the three B-tree indexes
/// earlier versions created (dropped here: their random leaf pages made every group commit rewrite ≈ 3 pages per
/// record into the WAL), and time bounds through each block's timestamp range (<c>audit_block_times</c>) instead of
/// the <c>ts_ms</c> index: its leaf page was a second 4 KB WAL frame in every one-record commit (≈ 40 % of the WAL
/// bytes and of a commit's CPU). That index is dropped by the writer (<see cref="SqliteAuditBlockWriter.CatchUp"/>)
/// once the ranges of the blocks it covered exist, not here: a reader opening an old trail keeps it until then.
/// </summary>
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
        DROP INDEX IF EXISTS ix_audit_records_agent;
        DROP INDEX IF EXISTS ix_audit_records_user;
        DROP INDEX IF EXISTS ix_audit_records_task;
        CREATE TABLE IF NOT EXISTS audit_blocks (
            block INTEGER PRIMARY KEY,
            bits BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS audit_block_times (
            block INTEGER PRIMARY KEY,
            ts_min INTEGER NOT NULL,
            ts_max INTEGER NOT NULL
        );
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
