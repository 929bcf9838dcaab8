namespace Warden.Core.Identity;

/// <summary>
/// The task-token credential type for the gateway: validates the token, then checks the denylist
/// (token, task, agent, user) on every request so a revocation takes effect on the very next request.
/// </summary>
public sealed class TaskTokenAuthenticator : ICredentialAuthenticator
{
    private readonly TaskTokenValidator _validator;
    private readonly IRevocationList _revocations;

    /// <summary>Creates the authenticator.</summary>
    public TaskTokenAuthenticator(TaskTokenValidator validator, IRevocationList revocations)
    {
        _validator = validator;
        _revocations = revocations;
    }

    /// <inheritdoc />
    public bool CanHandle(string credential) => TaskTokenValidator.LooksLikeTaskToken(credential);

    /// <inheritdoc />
    public async ValueTask<AuthenticationResult> AuthenticateAsync(string credential, CancellationToken cancellationToken)
    {
        var result = await _validator.ValidateAsync(credential, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return result;
        }

        var p = result.Principal!;
        var revoked = await _revocations.FindAsync(p.TokenId, p.TaskId, p.Id, p.OnBehalfOf, cancellationToken).ConfigureAwait(false);
        return revoked is { } r
            ? AuthenticationResult.Fail($"task token revoked ({Name(r.Kind)} {r.Id})")
            : result;
    }

    internal static string Name(RevocationKind kind) => kind switch
    {
        RevocationKind.Token => "token",
        RevocationKind.Task => "task",
        _ => "principal",
    };
}
