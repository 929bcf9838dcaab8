namespace Warden.Core.Identity;

/// <summary>Claim and type names of Warden task tokens.</summary>
internal static class TaskTokenClaims
{
    public const string TokenType = "task+jwt";
    public const string Act = "act";
    public const string TaskId = "task_id";
    public const string Scope = "scope";
    public const string AgentType = "agent_type";
    public const string AgentName = "agent_name";
    public const string CredentialType = "task_token";
}
