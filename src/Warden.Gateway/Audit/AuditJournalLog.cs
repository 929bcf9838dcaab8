using Microsoft.Extensions.Logging;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Gateway.Audit;

/// <summary>The SQLite append journal's reports as log records (event ids 5050–5052); exception types only, never text.</summary>
internal sealed partial class AuditJournalLog(ILogger<AuditJournalLog> logger) : ISqliteAuditJournalEvents
{
    public void Replayed(int records) => LogReplayed(logger, records);

    public void FoldFailed(Exception exception, int pendingRecords, TimeSpan retryIn) =>
        LogFoldFailed(logger, exception.GetType().Name, pendingRecords, (long)retryIn.TotalMilliseconds);

    public void FoldRecovered(int failedAttempts) => LogFoldRecovered(logger, failedAttempts);

    [LoggerMessage(EventId = 5050, Level = LogLevel.Information, Message = "Audit journal: {Records} journaled records not yet in audit.db were verified and committed (start-up or a second writer)")]
    private static partial void LogReplayed(ILogger logger, int records);

    [LoggerMessage(EventId = 5051, Level = LogLevel.Error, Message = "Audit journal: folding {Records} journaled records into audit.db failed ({ExceptionType}); appends fail closed until a fold succeeds, next attempt in {RetryMs} ms (the records stay in the journal)")]
    private static partial void LogFoldFailed(ILogger logger, string exceptionType, int records, long retryMs);

    [LoggerMessage(EventId = 5052, Level = LogLevel.Warning, Message = "Audit journal: a fold succeeded after {FailedAttempts} failed attempts; appends are accepted again")]
    private static partial void LogFoldRecovered(ILogger logger, int failedAttempts);
}
