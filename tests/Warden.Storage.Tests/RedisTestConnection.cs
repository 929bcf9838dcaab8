using StackExchange.Redis;

namespace Warden.Storage.Tests;

/// <summary>The real Redis from scripts/services.sh (WARDEN_TEST_REDIS). Fails, never skips, when unset.</summary>
internal static class RedisTestConnection
{
    private static readonly Lazy<ConnectionMultiplexer> Shared = new(() =>
    {
        var endpoint = Environment.GetEnvironmentVariable("WARDEN_TEST_REDIS");
        if (string.IsNullOrEmpty(endpoint))
        {
            throw new InvalidOperationException("WARDEN_TEST_REDIS is not set: run eval \"$(scripts/services.sh)\" first");
        }

        return ConnectionMultiplexer.Connect(endpoint + ",abortConnect=false,connectTimeout=5000");
    });

    public static IConnectionMultiplexer Get() => Shared.Value;

    /// <summary>A key prefix unique to one test, so tests never see each other's keys.</summary>
    public static string UniquePrefix() => "warden-test:" + Guid.NewGuid().ToString("N") + ":";
}
