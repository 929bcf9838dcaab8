using Microsoft.Extensions.Time.Testing;
using Warden.Core.Identity;

namespace Warden.Core.Tests.Identity;

/// <summary>A full identity stack over in-memory stores and a fake clock.</summary>
internal sealed class IdentityFixture : IDisposable
{
    public IdentityFixture(TaskTokenOptions? options = null, OidcTokenValidator? oidc = null, ISigningKeyStore? keyStore = null)
    {
        Options = options ?? new TaskTokenOptions();
        Users = new InMemoryUserStore(Time);
        Revocations = new InMemoryRevocationList(Time);
        KeyStore = keyStore ?? new InMemorySigningKeyStore();
        Keys = new SigningKeyRing(KeyStore, Options, Time);
        Issuer = new TaskTokenIssuer(Keys, Options, Time);
        Validator = new TaskTokenValidator(Keys, Options, Time);
        Authenticator = new TaskTokenAuthenticator(Validator, Revocations);
        Exchange = new TokenExchangeService(Users, Agents, [new TestAgentKeyAuthenticator()], oidc, Revocations, Issuer, Options);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public TaskTokenOptions Options { get; }

    public InMemoryUserStore Users { get; }

    public InMemoryAgentDirectory Agents { get; } = new();

    public InMemoryRevocationList Revocations { get; }

    public ISigningKeyStore KeyStore { get; }

    public SigningKeyRing Keys { get; }

    public TaskTokenIssuer Issuer { get; }

    public TaskTokenValidator Validator { get; }

    public TaskTokenAuthenticator Authenticator { get; }

    public TokenExchangeService Exchange { get; }

    /// <summary>Creates a user with rights and returns (user, key).</summary>
    public async Task<(UserRecord User, string Key)> AddUserAsync(string name, params string[] rights)
    {
        var user = await Users.CreateAsync(name, rights, null, default);
        var key = UserKeys.Generate();
        await Users.AddKeyAsync(user.Id, UserKeys.Hash(key), default);
        return (user, key);
    }

    /// <summary>Registers an agent with a ceiling and returns its test credential.</summary>
    public string AddAgent(string id, params string[] ceiling)
    {
        Agents.Put(new AgentProfile(id, id + "-name", "owner@example.com", "coder", "test agent", ceiling));
        return TestAgentKeyAuthenticator.Prefix + id;
    }

    public static TokenExchangeRequest Request(string userKey, string agentKey, string? scope = null, string? expiresIn = null, string? taskId = null) =>
        new(TokenExchangeRequest.TokenExchangeGrant, userKey, TokenExchangeRequest.ApiKeyType, agentKey, TokenExchangeRequest.ApiKeyType, scope, taskId, expiresIn);

    public void Dispose() => Keys.Dispose();
}
