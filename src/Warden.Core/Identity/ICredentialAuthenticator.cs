namespace Warden.Core.Identity;

/// <summary>
/// Turns a presented credential (agent key, admin key, task token, user token) into a principal.
/// The gateway extracts the credential from <c>Authorization: Bearer</c>, <c>x-api-key</c> or
/// <c>api-key</c>, and asks each registered authenticator in order until one claims it.
/// </summary>
public interface ICredentialAuthenticator
{
    /// <summary>True when this authenticator recognises the credential's format (cheap check, no I/O).</summary>
    bool CanHandle(string credential);

    /// <summary>Validates the credential. Must not throw for bad credentials; return a failure instead.</summary>
    ValueTask<AuthenticationResult> AuthenticateAsync(string credential, CancellationToken cancellationToken);
}
