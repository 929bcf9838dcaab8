namespace Warden.Core.Audit;

/// <summary>
/// One audit event, before it is chained. It never carries prompt, response, secret or key text:
/// content is represented only by a keyed hash (<see cref="ContentHmac"/>), and detection findings
/// only as counts per type.
/// </summary>
public sealed record AuditEvent
{
    /// <summary>Event type, e.g. <c>gateway.request</c>, <c>policy.decision</c>, <c>admin.change</c>, <c>gateway.start</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The principal id that acted (agent, user or admin), or <c>system</c>.</summary>
    public string? PrincipalId { get; init; }

    /// <summary>The agent id, when an agent acted.</summary>
    public string? AgentId { get; init; }

    /// <summary>The user on whose behalf the agent acted.</summary>
    public string? OnBehalfOf { get; init; }

    /// <summary>The task id of the task token.</summary>
    public string? TaskId { get; init; }

    /// <summary>The action attempted (policy action name).</summary>
    public string? Action { get; init; }

    /// <summary>Provider name.</summary>
    public string? Provider { get; init; }

    /// <summary>Model name.</summary>
    public string? Model { get; init; }

    /// <summary>Decision (allow, deny, require_approval, redact), when one was made.</summary>
    public string? Decision { get; init; }

    /// <summary>The rule that decided.</summary>
    public string? RuleId { get; init; }

    /// <summary>HTTP status or outcome code.</summary>
    public int? Status { get; init; }

    /// <summary>Latency in milliseconds.</summary>
    public double? LatencyMs { get; init; }

    /// <summary>Prompt tokens.</summary>
    public int? PromptTokens { get; init; }

    /// <summary>Completion tokens.</summary>
    public int? CompletionTokens { get; init; }

    /// <summary>Detection findings as counts per entity type (never values).</summary>
    public IReadOnlyDictionary<string, int>? FindingCounts { get; init; }

    /// <summary>Keyed HMAC of the content, for correlation only. Never the content.</summary>
    public string? ContentHmac { get; init; }

    /// <summary>Other non-sensitive attributes.</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }
}
