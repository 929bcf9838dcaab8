namespace Warden.Core.Audit;

/// <summary>
/// A store that keeps some of its bookkeeping (SQLite: the Bloom filter of a block just completed) out of the
/// transaction that acknowledges callers. It writes that work in its next transaction; the trail's writer gives it
/// one of its own (<c>AppendAsync([], null)</c>) as soon as no caller is waiting.
/// </summary>
internal interface IAuditDeferredWork
{
    /// <summary>True while work waits for the next transaction.</summary>
    bool HasDeferredWork { get; }

    /// <summary>
    /// True when <see cref="IAuditStore.AppendAsync"/> completes synchronously and quickly (SQLite without an fsync per
    /// commit): an appending caller may then commit its own batch on its own thread instead of waking the writer's.
    /// </summary>
    bool CommitsInline { get; }
}
