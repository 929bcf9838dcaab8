using Warden.Core.Identity;

namespace Warden.Gateway.Authentication;

/// <summary>Authenticates the <c>wdn_admin_</c> key against its stored hash.</summary>
internal sealed class AdminKeyAuthenticator(IPrincipalStore store) : ICredentialAuthenticator
{
    public bool CanHandle(string credential) => ApiKeys.HasShape(credential, ApiKeys.AdminPrefix);

    public async ValueTask<AuthenticationResult> AuthenticateAsync(string credential, CancellationToken cancellationToken)
    {
        var hash = ApiKeys.Hash(credential);
        var id = await Task.Run(() => store.FindAdminKeyAsync(hash, cancellationToken).AsTask(), cancellationToken); // see AgentKeyAuthenticator
        return id is null
            ? AuthenticationResult.Fail("invalid admin key")
            : AuthenticationResult.Success(new WardenPrincipal("admin", PrincipalKind.Admin, "admin", "admin_key", TokenId: id, Scopes: ["*"]));
    }
}
