namespace Warden.Storage.Sqlite.Audit;

/// <summary>What the append journal reports (the gateway logs it with stable event ids); never record text.</summary>
public interface ISqliteAuditJournalEvents
{
    /// <summary>Journaled records another store (or an earlier run) had not folded were verified and committed to SQLite.</summary>
    void Replayed(int records);

    /// <summary>A fold failed: appends fail closed until one succeeds; the next attempt runs after <paramref name="retryIn"/>.</summary>
    void FoldFailed(Exception exception, int pendingRecords, TimeSpan retryIn);

    /// <summary>A fold succeeded after <paramref name="failedAttempts"/> failures: appends are accepted again.</summary>
    void FoldRecovered(int failedAttempts);
}
