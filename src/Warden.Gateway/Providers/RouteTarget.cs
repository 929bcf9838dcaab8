namespace Warden.Gateway.Providers;

/// <summary>One place a request can go: a provider and the model name it knows.</summary>
internal sealed record RouteTarget(ProviderClient Provider, string Model);
