namespace Warden.Gateway.Providers;

/// <summary>
/// Replaces the network handler of one provider (embedding hosts and tests that want an in-process
/// transport). Normal deployments register none.
/// </summary>
public sealed record ProviderHandlerOverride(string Provider, HttpMessageHandler Handler);
