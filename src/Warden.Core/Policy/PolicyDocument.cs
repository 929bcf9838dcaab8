namespace Warden.Core.Policy;

/// <summary>The YAML shape of a policy file (see docs/policy.md).</summary>
internal sealed class PolicyDocument
{
    public int Version { get; set; } = 1;

    public List<PolicyRuleDocument>? Rules { get; set; }
}

/// <summary>The YAML shape of one rule.</summary>
internal sealed class PolicyRuleDocument
{
    public string? Id { get; set; }

    public string? Description { get; set; }

    public string? Effect { get; set; }

    public List<string>? Actions { get; set; }

    public string? When { get; set; }

    public List<string>? Redact { get; set; }

    public string? AuditFailure { get; set; }

    public bool? CaptureContent { get; set; }
}
