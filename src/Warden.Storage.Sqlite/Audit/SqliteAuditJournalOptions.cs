using Warden.Core.Audit;

namespace Warden.Storage.Sqlite.Audit;

/// <summary>
/// The append journal in front of the SQLite audit store (<see cref="AuditDurability.Process"/> only; docs/audit.md,
/// "The append journal"): a batch is acknowledged once its frame is written to <see cref="Path"/>, and folded into SQLite
/// within <see cref="FoldInterval"/>.
/// </summary>
public sealed record SqliteAuditJournalOptions
{
    /// <summary>The default fold interval: the longest a journaled record waits before a fold into SQLite is attempted.</summary>
    public static readonly TimeSpan DefaultFoldInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>The journal file (the gateway: <c>audit.db-wlog</c> next to <c>audit.db</c>).</summary>
    public required string Path { get; init; }

    /// <summary>How long the first unfolded record waits for its fold (also the base of the back-off after a failed fold).</summary>
    public TimeSpan FoldInterval { get; init; } = DefaultFoldInterval;

    /// <summary>The longest wait between two fold attempts while folds fail (the back-off doubles up to this).</summary>
    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The file's pre-allocated size; a batch that does not fit is committed to SQLite directly, after a fold.</summary>
    public long Capacity { get; init; } = 16L << 20;

    /// <summary>Once this many bytes of frames are folded, the journal starts over from its first frame (a new epoch).</summary>
    public long ResetBytes { get; init; } = 1L << 20;

    /// <summary>Told about replays and fold failures (the gateway logs them); optional.</summary>
    public ISqliteAuditJournalEvents? Events { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException("the journal path is empty", nameof(Path));
        }

        if (FoldInterval <= TimeSpan.Zero || MaxRetryInterval < FoldInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(FoldInterval), "the fold interval must be positive and at most MaxRetryInterval");
        }

        if (Capacity < 4 * SqliteAuditJournal.FirstFrame || ResetBytes <= 0 || ResetBytes > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), "the capacity must be at least 16 KB and ResetBytes within it");
        }
    }
}
