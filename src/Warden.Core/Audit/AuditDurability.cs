namespace Warden.Core.Audit;

/// <summary>
/// When an appended event counts as durable, i.e. when <see cref="IAuditTrail.AppendAsync"/> returns
/// (<c>Warden:Audit:Durability</c>). Applies to the embedded SQLite store; PostgreSQL commits follow the
/// server's own <c>synchronous_commit</c>.
/// </summary>
public enum AuditDurability
{
    /// <summary>
    /// Committed to SQLite's write-ahead log (WAL, <c>synchronous=NORMAL</c>): survives the gateway process
    /// being killed (SIGKILL, OOM kill, crash) because the committed pages are in the operating system's
    /// page cache; the WAL is fsynced at every WAL checkpoint. A power loss or kernel crash can roll back the
    /// last commits since then (the chain stays consistent: it just ends earlier). The default.
    /// </summary>
    Process = 0,

    /// <summary>
    /// Every group commit is fsynced before callers are released (<c>synchronous=FULL</c>): also survives power
    /// loss, at the cost of one fsync per batch (milliseconds on network or virtual disks).
    /// </summary>
    PowerLoss = 1,
}
