using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Warden.Gateway.Identity;

/// <summary>
/// <c>/oauth/token</c> is reachable without a bearer credential and audits every refusal, so each client address
/// gets a token bucket (<c>Warden:Identity:TokenRequestsPerMinute</c>): guessing credentials or flooding the audit
/// trail through it is bounded. Over the limit: 429 with <c>Retry-After</c>, in the OAuth error shape, not audited.
/// Behind a reverse proxy every client shares the proxy's address; size the limit for that.
/// </summary>
internal sealed class TokenEndpointThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _limiter;
    private readonly int _perMinute;

    public TokenEndpointThrottle(int perMinute)
    {
        _perMinute = perMinute;
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = Math.Max(1, perMinute / 60),
            ReplenishmentPeriod = TimeSpan.FromSeconds(perMinute >= 60 ? 1 : 60.0 / perMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var throttle = http.RequestServices.GetRequiredService<TokenEndpointThrottle>();
        using var lease = throttle._limiter.AttemptAcquire(http.Connection.RemoteIpAddress ?? IPAddress.None);
        if (lease.IsAcquired)
        {
            return await next(context);
        }

        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(60.0 / throttle._perMinute);
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Results.Json(new OAuthError("slow_down", "too many token requests from this address; retry later"),
            IdentityApiJsonContext.Default.OAuthError, statusCode: StatusCodes.Status429TooManyRequests);
    }

    public void Dispose() => _limiter.Dispose();
}
