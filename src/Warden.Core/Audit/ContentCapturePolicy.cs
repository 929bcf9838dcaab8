namespace Warden.Core.Audit;

/// <summary>
/// Which content is captured. Off by default: an empty policy captures nothing. A policy turns
/// capture on for named agents or tasks, with a retention after which captured content is deleted.
/// </summary>
public sealed record ContentCapturePolicy
{
    /// <summary>Capture nothing (the default).</summary>
    public static ContentCapturePolicy Off { get; } = new();

    /// <summary>Agents whose content is captured.</summary>
    public IReadOnlySet<string> Agents { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Tasks whose content is captured.</summary>
    public IReadOnlySet<string> Tasks { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>How long captured content is kept.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Whether content of this agent/task is captured.</summary>
    public bool ShouldCapture(string? agentId, string? taskId) =>
        (agentId is not null && Agents.Contains(agentId)) || (taskId is not null && Tasks.Contains(taskId));

    /// <summary>Throws <see cref="ArgumentException"/> when invalid.</summary>
    public void Validate()
    {
        if (Retention <= TimeSpan.Zero || Retention > TimeSpan.FromDays(3650))
        {
            throw new ArgumentException("content retention must be between 1 tick and 10 years");
        }
    }
}
