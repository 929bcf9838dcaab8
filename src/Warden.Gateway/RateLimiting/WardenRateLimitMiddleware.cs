using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Warden.Core.Identity;
using Warden.Core.RateLimiting;
using Warden.Gateway.Authentication;
using Warden.Gateway.Errors;
using Warden.Gateway.Hosting;
using Warden.Gateway.Proxy;

namespace Warden.Gateway.RateLimiting;

/// <summary>
/// Enforces requests/min and prompt tokens/min (counted before forwarding with the model's tokenizer) on
/// every <c>/v1/*</c> request of an agent or user, plus completion-token and spend budgets recorded by the
/// proxy through <see cref="RateLimitEnforcer.RecordAsync"/>. Refusals are 429 with <c>Retry-After</c>.
/// </summary>
internal sealed partial class WardenRateLimitMiddleware(
    RequestDelegate next, RateLimitEnforcer enforcer, PromptTokenCounter counter, WardenGatewayOptions options, ILogger<WardenRateLimitMiddleware> logger)
{
    /// <summary><c>HttpContext.Items</c> key of the prompt tokens counted here (the proxy prices them when the provider reports none).</summary>
    public const string PromptTokensItem = "warden.prompt_tokens";

    public Task InvokeAsync(HttpContext context)
    {
        var principal = context.GetWardenPrincipal();
        if (principal is null || principal.Kind == PrincipalKind.Admin || !context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        if (!enforcer.CountsPromptTokens(principal))
        {
            // The common case: no tokenizing, and a check that completes at once. No async frame of this middleware
            // then stays on the request's stack (one state machine and one resume fewer per request).
            var check = enforcer.CheckAsync(principal, 0, context.RequestAborted);
            if (check.IsCompletedSuccessfully)
            {
                var decision = check.Result;
                return decision.Allowed ? next(context) : RefuseAsync(context, principal, decision);
            }

            return LimitedOrNextAsync(context, principal, check);
        }

        return CountAndCheckAsync(context, principal);
    }

    private async Task LimitedOrNextAsync(HttpContext context, WardenPrincipal principal, ValueTask<RateLimitDecision> check)
    {
        var decision = await check;
        if (!decision.Allowed)
        {
            await RefuseAsync(context, principal, decision);
            return;
        }

        await next(context);
    }

    private async Task CountAndCheckAsync(HttpContext context, WardenPrincipal principal)
    {
        long promptTokens = 0;
        var request = context.Request;
        // Tokenizing the prompt is the costly part of this middleware: only done when a prompt-token limit applies.
        // Every JSON body is counted, chunked ones (no Content-Length) included; one over the size limit is left
        // to the proxy, which refuses it (413) before anything is forwarded.
        if (HttpMethods.IsPost(request.Method) && request.ContentLength is null or > 0
            && request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            // Kept in memory (never spilled to a temp file: prompt text must not reach the disk).
            request.EnableBuffering(bufferThreshold: (int)Math.Min(options.MaxRequestBodyBytes + 1, int.MaxValue));
            using var body = new PooledBuffer((int)Math.Min(request.ContentLength ?? 4096, options.MaxRequestBodyBytes));
            var complete = await body.ReadFromAsync(request.Body, options.MaxRequestBodyBytes, context.RequestAborted);
            request.Body.Position = 0;
            if (complete)
            {
                var (model, text) = PromptTextExtractor.Extract(body.Memory);
                promptTokens = counter.Count(model, text);
                context.Items[PromptTokensItem] = promptTokens;
            }
        }

        var decision = await enforcer.CheckAsync(principal, promptTokens, context.RequestAborted);
        if (!decision.Allowed)
        {
            await RefuseAsync(context, principal, decision);
            return;
        }

        await next(context);
    }

    private Task RefuseAsync(HttpContext context, WardenPrincipal principal, RateLimitDecision decision)
    {
        LogLimited(logger, principal.Id, decision.RetryAfterSeconds);
        context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return WardenErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, "rate_limited", decision.Reason ?? "rate limit exceeded");
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Rate limit hit by {PrincipalId}; retry after {RetryAfterSeconds}s")]
    private static partial void LogLimited(ILogger logger, string principalId, int retryAfterSeconds);
}
