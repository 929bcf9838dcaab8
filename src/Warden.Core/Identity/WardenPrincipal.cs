namespace Warden.Core.Identity;

/// <summary>
/// The authenticated caller of a gateway request. An agent is always its own principal; when it
/// acts for a user through a task token, <see cref="OnBehalfOf"/> and <see cref="TaskId"/> say so.
/// Every audit record is attributed to agent + on-behalf-of user + task from this value.
/// </summary>
/// <param name="Id">Stable id of the principal (agent id, user id or admin id).</param>
/// <param name="Kind">Agent, user or admin.</param>
/// <param name="Name">Display name (agent or user name). Never a secret.</param>
/// <param name="CredentialType">How the caller authenticated: agent_key, task_token, admin_key, user_key, oidc.</param>
/// <param name="AgentType">The agent's type (used by behavioural policy), when the principal is an agent.</param>
/// <param name="OnBehalfOf">The user the agent acts for (task tokens), else null.</param>
/// <param name="TaskId">The task id of a task token, else null.</param>
/// <param name="TokenId">The credential's id (jti or key id), for revocation and audit.</param>
/// <param name="Scopes">Granted scopes, e.g. <c>llm:openai/gpt-4o:read</c>. Empty means none granted.</param>
/// <param name="ExpiresAt">When the credential expires, if it does.</param>
public sealed record WardenPrincipal(
    string Id,
    PrincipalKind Kind,
    string Name,
    string CredentialType,
    string? AgentType = null,
    string? OnBehalfOf = null,
    string? TaskId = null,
    string? TokenId = null,
    IReadOnlyList<string>? Scopes = null,
    DateTimeOffset? ExpiresAt = null)
{
    /// <summary>Granted scopes, never null.</summary>
    public IReadOnlyList<string> GrantedScopes => Scopes ?? [];

    /// <summary>True for the admin role.</summary>
    public bool IsAdmin => Kind == PrincipalKind.Admin;
}
