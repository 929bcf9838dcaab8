using Warden.Core.Identity;

namespace Warden.Core.Tests.Identity;

/// <summary>A minimal agent-key credential type for tests: <c>wda_test_&lt;agentId&gt;</c>, or anything listed as revoked fails.</summary>
internal sealed class TestAgentKeyAuthenticator : ICredentialAuthenticator
{
    public const string Prefix = "wda_test_";

    public bool CanHandle(string credential) => credential.StartsWith(Prefix, StringComparison.Ordinal);

    public ValueTask<AuthenticationResult> AuthenticateAsync(string credential, CancellationToken cancellationToken)
    {
        var id = credential[Prefix.Length..];
        return ValueTask.FromResult(id.Length == 0
            ? AuthenticationResult.Fail("unknown agent key")
            : AuthenticationResult.Success(new WardenPrincipal(id, PrincipalKind.Agent, id, "agent_key")));
    }
}
