using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Gateway.Identity;

/// <summary>RFC 8693 §2.2.1 response.</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("issued_token_type")] string IssuedTokenType,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("task_id")] string TaskId);

/// <summary>RFC 6749 §5.2 error.</summary>
internal sealed record OAuthError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string? ErrorDescription);

/// <summary>A user as the admin API shows it (never a key).</summary>
internal sealed record UserView(string Id, string Name, IReadOnlyList<string> Rights, string? ExternalSubject, bool Disabled, DateTimeOffset CreatedAt);

/// <summary>Create a user.</summary>
internal sealed record CreateUserRequest(string? Name, IReadOnlyList<string>? Rights, string? ExternalSubject);

/// <summary>Replace a user's rights.</summary>
internal sealed record SetRightsRequest(IReadOnlyList<string>? Rights);

/// <summary>A new user key, shown once.</summary>
internal sealed record UserKeyCreated(string KeyId, string Key);

/// <summary>An agent's profile.</summary>
internal sealed record AgentProfileView(string Id, string Name, string? Owner, string? Type, string? Description, IReadOnlyList<string> Ceiling);

/// <summary>Change an agent's profile (null fields are left as they are).</summary>
internal sealed record UpdateAgentRequest(string? Owner, string? Type, string? Description, IReadOnlyList<string>? Ceiling);

/// <summary>Revoke a token (jti), a task, or a principal (agent or user id).</summary>
internal sealed record RevokeRequest(string? Kind, string? Id, DateTimeOffset? Until);

/// <summary>A request to decide offline (explain).</summary>
internal sealed record ExplainRequest(
    string? PrincipalId,
    string? PrincipalKind,
    string? AgentType,
    string? OnBehalfOf,
    string? TaskId,
    IReadOnlyList<string>? Scopes,
    string? Action,
    string? Provider,
    string? Model,
    string? Tool,
    IReadOnlyList<string>? Data,
    IReadOnlyDictionary<string, string>? Attributes,
    DateTimeOffset? Time);

/// <summary>A decision with its trace.</summary>
internal sealed record ExplainResponse(string Effect, string RuleId, string Reason, IReadOnlyList<string>? Redactions, IReadOnlyList<RuleTraceView> Rules);

/// <summary>One rule's outcome.</summary>
internal sealed record RuleTraceView(string RuleId, string Effect, string Outcome, string? Detail);

/// <summary>The policy in force.</summary>
internal sealed record PolicyView(string Version, string? Path, IReadOnlyList<PolicyRuleView> Rules, IReadOnlyList<string> LastErrors);

/// <summary>One rule in force.</summary>
internal sealed record PolicyRuleView(string Id, string Effect, string? Description, IReadOnlyList<string>? Actions, string When, string Source);

/// <summary>Source-generated JSON for the identity and policy endpoints.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(OAuthError))]
[JsonSerializable(typeof(UserView))]
[JsonSerializable(typeof(List<UserView>))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(SetRightsRequest))]
[JsonSerializable(typeof(UserKeyCreated))]
[JsonSerializable(typeof(AgentProfileView))]
[JsonSerializable(typeof(UpdateAgentRequest))]
[JsonSerializable(typeof(RevokeRequest))]
[JsonSerializable(typeof(ExplainRequest))]
[JsonSerializable(typeof(ExplainResponse))]
[JsonSerializable(typeof(PolicyView))]
[JsonSerializable(typeof(PutRuleRequest))]
[JsonSerializable(typeof(StoredRuleView))]
[JsonSerializable(typeof(StoredRulesView))]
[JsonSerializable(typeof(RuleChangeView))]
[JsonSerializable(typeof(List<AgentView>))]
[JsonSerializable(typeof(CreateAgentRequest))]
[JsonSerializable(typeof(AgentCreated))]
[JsonSerializable(typeof(List<ProviderView>))]
[JsonSerializable(typeof(SetProviderKeyRequest))]
internal sealed partial class IdentityApiJsonContext : JsonSerializerContext;

/// <summary>Create or replace a stored policy rule (the id is in the path).</summary>
internal sealed record PutRuleRequest(string? Effect, string? Description, IReadOnlyList<string>? Actions, string? When, IReadOnlyList<string>? Redact, string? AuditFailure, bool? CaptureContent);

/// <summary>A stored policy rule.</summary>
internal sealed record StoredRuleView(string Id, string Effect, string? Description, IReadOnlyList<string>? Actions, string? When, IReadOnlyList<string>? Redact, string? AuditFailure, bool? CaptureContent);

/// <summary>Every stored rule at a revision.</summary>
internal sealed record StoredRulesView(long Revision, IReadOnlyList<StoredRuleView> Rules);

/// <summary>What a change did.</summary>
internal sealed record RuleChangeView(string Id, string Outcome, string Version, string Revision);

/// <summary>An agent as the admin API lists it (never a key).</summary>
internal sealed record AgentView(string Id, string Name, string? Owner, string? Type, string? Description, DateTimeOffset CreatedAt, bool Revoked);

/// <summary>Register an agent.</summary>
internal sealed record CreateAgentRequest(string? Name, string? Type, string? Owner, string? Description, IReadOnlyList<string>? Ceiling);

/// <summary>A new agent and its key, shown once.</summary>
internal sealed record AgentCreated(string Id, string Name, string Key);

/// <summary>A configured provider: whether it has a key (never the key).</summary>
internal sealed record ProviderView(string Name, string Type, bool HasKey, bool KeyStored);

/// <summary>Set a provider key.</summary>
internal sealed record SetProviderKeyRequest(string? Key);
