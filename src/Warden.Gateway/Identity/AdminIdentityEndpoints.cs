using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.Core.Audit;
using Warden.Core.Identity;
using Warden.Gateway.Audit;
using Warden.Gateway.Authentication;
using Warden.Gateway.Errors;

namespace Warden.Gateway.Identity;

/// <summary>Admin API (admin key only): users and their keys, agent profiles, revocations.</summary>
internal static class AdminIdentityEndpoints
{
    public static RouteGroupBuilder MapWardenIdentityAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/users", ListUsersAsync).WithTags("users");
        admin.MapPost("/users", CreateUserAsync).Accepts<CreateUserRequest>("application/json").WithTags("users");
        admin.MapGet("/users/{id}", GetUserAsync).WithTags("users");
        admin.MapPut("/users/{id}/rights", SetRightsAsync).WithTags("users");
        admin.MapPost("/users/{id}/keys", CreateKeyAsync).WithTags("users");
        admin.MapPost("/users/{id}/disable", (string id, HttpContext context, IUserStore users, CancellationToken ct) => SetDisabledAsync(id, true, context, users, ct)).WithTags("users");
        admin.MapPost("/users/{id}/enable", (string id, HttpContext context, IUserStore users, CancellationToken ct) => SetDisabledAsync(id, false, context, users, ct)).WithTags("users");
        admin.MapGet("/agents/{id}/profile", GetAgentAsync).WithTags("agents");
        admin.MapPatch("/agents/{id}/profile", UpdateAgentAsync).WithTags("agents");
        admin.MapPost("/revocations", RevokeAsync).WithTags("revocations");
        return admin;
    }

    private static async Task<IResult> ListUsersAsync(IUserStore users, CancellationToken ct) =>
        Results.Json((await users.ListAsync(ct)).Select(View).ToList(), IdentityApiJsonContext.Default.ListUserView);

    private static async Task<IResult> GetUserAsync(string id, IUserStore users, CancellationToken ct) =>
        await users.GetAsync(id, ct) is { } u ? Results.Json(View(u), IdentityApiJsonContext.Default.UserView) : throw NotFound("user");

    private static async Task<IResult> CreateUserAsync(HttpContext context, IUserStore users, CancellationToken ct)
    {
        // snake_case as documented (external_subject): read with the source-generated context
        var body = await System.Text.Json.JsonSerializer.DeserializeAsync(context.Request.Body, IdentityApiJsonContext.Default.CreateUserRequest, ct)
            ?? throw BadRequest("a JSON body is required");
        if (body.Name is not { } name || name.Length is 0 or > 128 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@'))
        {
            throw BadRequest("name is required: 1-128 of letters, digits, '-', '_', '.', '@'");
        }

        var rights = ValidScopes(body.Rights ?? [], "rights");
        await AuditRecords.AdminChangeAsync(context, "user", "create", name, Attrs("rights", string.Join(' ', rights)));
        try
        {
            var user = await users.CreateAsync(name, rights, body.ExternalSubject, ct);
            return Results.Json(View(user), IdentityApiJsonContext.Default.UserView, statusCode: StatusCodes.Status201Created);
        }
        catch (InvalidOperationException ex)
        {
            throw new WardenHttpException(StatusCodes.Status409Conflict, "conflict", ex.Message);
        }
    }

    private static async Task<IResult> SetRightsAsync(string id, SetRightsRequest body, HttpContext context, IUserStore users, CancellationToken ct)
    {
        var rights = ValidScopes(body.Rights ?? [], "rights");
        _ = await users.GetAsync(id, ct) ?? throw NotFound("user");
        await AuditRecords.AdminChangeAsync(context, "user", "set_rights", id, Attrs("rights", string.Join(' ', rights)));
        return await users.SetRightsAsync(id, rights, ct) ? Results.NoContent() : throw NotFound("user");
    }

    private static async Task<IResult> SetDisabledAsync(string id, bool disabled, HttpContext context, IUserStore users, CancellationToken ct)
    {
        _ = await users.GetAsync(id, ct) ?? throw NotFound("user");
        await AuditRecords.AdminChangeAsync(context, "user", disabled ? "disable" : "enable", id);
        return await users.SetDisabledAsync(id, disabled, ct) ? Results.NoContent() : throw NotFound("user");
    }

    private static async Task<IResult> CreateKeyAsync(string id, HttpContext context, IUserStore users, CancellationToken ct)
    {
        if (await users.GetAsync(id, ct) is null)
        {
            throw NotFound("user");
        }

        await AuditRecords.AdminChangeAsync(context, "user", "create_key", id);

        var key = UserKeys.Generate();
        var keyId = await users.AddKeyAsync(id, UserKeys.Hash(key), ct);
        return Results.Json(new UserKeyCreated(keyId, key), IdentityApiJsonContext.Default.UserKeyCreated, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAgentAsync(string id, IAgentDirectory agents, CancellationToken ct) =>
        await agents.GetAsync(id, ct) is { } a
            ? Results.Json(new AgentProfileView(a.Id, a.Name, a.Owner, a.Type, a.Description, a.Ceiling), IdentityApiJsonContext.Default.AgentProfileView)
            : throw NotFound("agent");

    private static async Task<IResult> UpdateAgentAsync(string id, UpdateAgentRequest body, HttpContext context, IAgentDirectory agents, CancellationToken ct)
    {
        var ceiling = body.Ceiling is null ? null : ValidScopes(body.Ceiling, "ceiling");
        if (body.Type is { Length: > 64 } || body.Owner is { Length: > 256 } || body.Description is { Length: > 1024 })
        {
            throw BadRequest("type (64), owner (256) or description (1024) is too long");
        }

        _ = await agents.GetAsync(id, ct) ?? throw NotFound("agent");
        await AuditRecords.AdminChangeAsync(context, "agent", "update_profile", id, ceiling is null ? null : Attrs("ceiling", string.Join(' ', ceiling)));
        return await agents.UpdateAsync(id, body.Owner, body.Type, body.Description, ceiling, ct) ? Results.NoContent() : throw NotFound("agent");
    }

    private static async Task<IResult> RevokeAsync(RevokeRequest body, HttpContext context, IRevocationList revocations, TimeProvider time, CancellationToken ct)
    {
        var kind = body.Kind switch
        {
            "token" => RevocationKind.Token,
            "task" => RevocationKind.Task,
            "principal" or "agent" or "user" => RevocationKind.Principal,
            _ => throw BadRequest("kind must be token, task, agent, user or principal"),
        };
        if (string.IsNullOrWhiteSpace(body.Id) || body.Id.Length > 256)
        {
            throw BadRequest("id is required");
        }

        if (body.Until is { } until && until <= time.GetUtcNow())
        {
            throw BadRequest("until must be in the future (omit it to revoke forever)");
        }

        var attributes = Attrs("kind", body.Kind!);
        attributes["id"] = body.Id;
        if (body.Until is { } u)
        {
            attributes["until"] = u.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        await AuditRecords.AppendAsync(context, new AuditEvent
        {
            Type = AuditRecords.Revocation,
            PrincipalId = context.GetWardenPrincipal()?.Id,
            AgentId = body.Kind == "agent" ? body.Id : null,
            OnBehalfOf = body.Kind == "user" ? body.Id : null,
            TaskId = body.Kind == "task" ? body.Id : null,
            Action = "revoke." + body.Kind,
            Decision = "allow",
            Attributes = attributes,
        });
        await revocations.RevokeAsync(kind, body.Id, body.Until, ct);
        return Results.NoContent();
    }

    private static IReadOnlyList<string> ValidScopes(IReadOnlyList<string> scopes, string field)
    {
        foreach (var s in scopes)
        {
            if (!Scope.TryParse(s, out _, out var error))
            {
                throw BadRequest($"{field}: {error}");
            }
        }

        return scopes;
    }

    private static Dictionary<string, string> Attrs(string key, string value) => new(StringComparer.Ordinal) { [key] = value };

    private static UserView View(UserRecord u) => new(u.Id, u.Name, u.Rights, u.ExternalSubject, u.Disabled, u.CreatedAt);

    private static WardenHttpException BadRequest(string message) => new(StatusCodes.Status400BadRequest, "invalid_request", message);

    private static WardenHttpException NotFound(string what) => new(StatusCodes.Status404NotFound, "not_found", $"no such {what}");
}
