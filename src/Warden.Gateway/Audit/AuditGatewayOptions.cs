using System.Globalization;
using Microsoft.Extensions.Configuration;
using Warden.Core.Audit;

namespace Warden.Gateway.Audit;

/// <summary>
/// The <c>Warden:Audit</c> section: where the trail lives, checkpoint cadence, log export, and the
/// content capture policy (off by default). An immutable snapshot, validated whole.
/// </summary>
public sealed record AuditGatewayOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Warden:Audit";

    /// <summary>PostgreSQL connection string; when empty the trail is the SQLite file <c>audit.db</c> in the data directory.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Trail settings (checkpoint cadence, batch size).</summary>
    public AuditTrailOptions Trail { get; init; } = new();

    /// <summary>When an append counts as durable (SQLite): <c>Process</c> (default) or <c>PowerLoss</c>. See docs/audit.md.</summary>
    public AuditDurability Durability { get; init; } = AuditDurability.Process;

    /// <summary>
    /// SQLite only: acknowledge appends from the append journal <c>audit.db-wlog</c> (one write) and fold them into
    /// <c>audit.db</c> within <see cref="JournalFoldInterval"/> (<c>Warden:Audit:Journal</c>; default on for
    /// <c>Durability=Process</c>, unavailable for <c>PowerLoss</c>). See docs/audit.md, "The append journal".
    /// Null: on exactly when <see cref="Durability"/> is <c>Process</c> (<see cref="UsesJournal"/>), except on Windows.
    /// </summary>
    public bool? Journal { get; init; }

    /// <summary>Whether the SQLite store journals (see <see cref="Journal"/>).</summary>
    public bool UsesJournal => PostgresConnectionString is null && (Journal ?? (Durability == AuditDurability.Process && !OperatingSystem.IsWindows()));

    /// <summary>The longest a journaled record waits for its fold into SQLite (<c>Warden:Audit:JournalFoldIntervalMs</c>, 1–1000, default 10).</summary>
    public TimeSpan JournalFoldInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// BENCHMARKING ONLY: records nothing (<c>Warden:Audit:UnsafeDisableForBenchmark=true</c>), so the
    /// gateway's latency can be compared with the trail on and off in one run. Off by default; when on, the
    /// gateway logs a critical warning (event 5040) when the trail is created.
    /// </summary>
    public bool UnsafeDisableForBenchmark { get; init; }

    /// <summary>Emit each committed record (non-sensitive fields only) as a log record for OpenTelemetry/SIEM export.</summary>
    public bool ExportLogs { get; init; } = true;

    /// <summary>Content capture (off unless agents or tasks are listed).</summary>
    public ContentCapturePolicy Capture { get; init; } = ContentCapturePolicy.Off;

    /// <summary>How often expired captured content is purged.</summary>
    public TimeSpan RetentionSweep { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Reads and validates the section (throws <see cref="InvalidOperationException"/> naming the bad key).</summary>
    public static AuditGatewayOptions Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var s = configuration.GetSection(SectionName);
        var trail = new AuditTrailOptions
        {
            CheckpointEveryRecords = Int(s, "CheckpointEveryRecords", 1000),
            CheckpointInterval = TimeSpan.FromSeconds(Int(s, "CheckpointIntervalSeconds", 10)),
            MaxBatchSize = Int(s, "MaxBatchSize", 1024),
            QueueCapacity = Int(s, "QueueCapacity", 16384),
            EnqueuedFlushDelay = TimeSpan.FromMilliseconds(Milliseconds(s, "EnqueuedFlushDelayMs", 20)),
            CallerCommits = string.Equals(s["CallerCommits"], "true", StringComparison.OrdinalIgnoreCase),
            CallerCommitMaxRate = NonNegative(s, "CallerCommitMaxRate", 1000),
        };
        var capture = new ContentCapturePolicy
        {
            Agents = new HashSet<string>(s.GetSection("Capture:Agents").Get<string[]>() ?? [], StringComparer.Ordinal),
            Tasks = new HashSet<string>(s.GetSection("Capture:Tasks").Get<string[]>() ?? [], StringComparer.Ordinal),
            Retention = TimeSpan.FromHours(Int(s, "Capture:RetentionHours", 168)),
        };
        var durability = ParseDurability(s["Durability"]);
        var options = new AuditGatewayOptions
        {
            PostgresConnectionString = string.IsNullOrWhiteSpace(s["PostgresConnectionString"]) ? null : s["PostgresConnectionString"],
            Trail = trail,
            Durability = durability,
            Journal = ParseJournal(s["Journal"], durability),
            JournalFoldInterval = TimeSpan.FromMilliseconds(Int(s, "JournalFoldIntervalMs", 10) is var foldMs && foldMs <= 1000
                ? foldMs
                : throw new InvalidOperationException($"{SectionName}:JournalFoldIntervalMs must be an integer from 1 to 1000")),
            UnsafeDisableForBenchmark = string.Equals(s["UnsafeDisableForBenchmark"], "true", StringComparison.OrdinalIgnoreCase),
            ExportLogs = !string.Equals(s["ExportLogs"], "false", StringComparison.OrdinalIgnoreCase),
            Capture = capture,
        };
        try
        {
            trail.Validate();
            capture.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"{SectionName}: {ex.Message}", ex);
        }

        return options;
    }

    private static AuditDurability ParseDurability(string? value) => value switch
    {
        null or "" => AuditDurability.Process,
        _ when string.Equals(value, "Process", StringComparison.OrdinalIgnoreCase) => AuditDurability.Process,
        _ when string.Equals(value, "PowerLoss", StringComparison.OrdinalIgnoreCase) => AuditDurability.PowerLoss,
        _ => throw new InvalidOperationException($"{SectionName}:Durability must be 'Process' or 'PowerLoss'"),
    };

    private static bool? ParseJournal(string? value, AuditDurability durability)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!bool.TryParse(value, out var on))
        {
            throw new InvalidOperationException($"{SectionName}:Journal must be 'true' or 'false'");
        }

        if (on && OperatingSystem.IsWindows())
        {
            throw new InvalidOperationException($"{SectionName}:Journal is not available on Windows (it locks the journal with flock)");
        }

        return on && durability != AuditDurability.Process
            ? throw new InvalidOperationException($"{SectionName}:Journal requires Durability=Process (a PowerLoss commit needs its fsync)")
            : on;
    }

    private static int NonNegative(IConfiguration section, string key, int fallback)
    {
        var v = section[key];
        if (string.IsNullOrWhiteSpace(v))
        {
            return fallback;
        }

        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0
            ? i
            : throw new InvalidOperationException($"{SectionName}:{key} must be a non-negative integer");
    }

    private static int Milliseconds(IConfiguration section, string key, int fallback)
    {
        var v = section[key];
        if (string.IsNullOrWhiteSpace(v))
        {
            return fallback;
        }

        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i is >= 0 and <= 1000
            ? i
            : throw new InvalidOperationException($"{SectionName}:{key} must be an integer from 0 to 1000");
    }

    private static int Int(IConfiguration section, string key, int fallback)
    {
        var v = section[key];
        if (string.IsNullOrWhiteSpace(v))
        {
            return fallback;
        }

        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i > 0
            ? i
            : throw new InvalidOperationException($"{SectionName}:{key} must be a positive integer");
    }
}
