namespace Warden.Gateway.Hosting;

/// <summary>
/// What first start-up created and must be shown exactly once: the admin key (first start only)
/// and, with <c>--demo</c>, a fresh demo agent key. Held in memory only.
/// </summary>
public sealed class WardenStartupInfo
{
    /// <summary>The admin key created on this start, else null.</summary>
    public string? NewAdminKey { get; internal set; }

    /// <summary>The demo agent key (demo mode), else null.</summary>
    public string? DemoAgentKey { get; internal set; }

    /// <summary>The SQLite database path.</summary>
    public string DatabasePath { get; internal set; } = "";
}
