using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Warden.Core.Audit;
using Warden.Gateway.Errors;
using Warden.Gateway.Providers;
using Warden.Gateway.Translation;

namespace Warden.Gateway.Proxy;

/// <summary>Upstream exchange: ordered fallback within the retry budget, then the answer.</summary>
internal sealed partial class ProxyHandler
{
    private enum Failure
    {
        None,
        Timeout,
        Unreachable,
        UpstreamStatus,
    }

    private async Task ForwardAsync(RequestState s, List<RouteTarget> targets)
    {
        var context = s.Context;
        var aborted = context.RequestAborted;
        var anthropicBeta = s.Kind == ApiKind.AnthropicMessages ? context.Request.Headers["anthropic-beta"].ToString() : null;
        if (string.IsNullOrEmpty(anthropicBeta))
        {
            anthropicBeta = null;
        }

        HttpResponseMessage? response = null;
        RouteTarget? used = null;
        CancellationTokenSource? total = null;
        var failure = Failure.None;
        var lastStatus = 0;
        string? lastMessage = null;
        string? retryAfter = null;
        var attempts = 0;
        WardenHttpException? untranslatable = null;
        RouteTarget? tried = null; // the last target the request was sent to
        foreach (var target in targets)
        {
            if (attempts++ >= _options.MaxAttempts)
            {
                break;
            }

            var provider = target.Provider;
            HttpContent content;
            try
            {
                content = BuildContent(s, target);
            }
            catch (WardenHttpException ex) when (ex.StatusCode == 400 && targets.Count > 1)
            {
                // This target's dialect cannot carry the request (a block with no counterpart): skip it without using up
                // the retry budget; refused only when no target could take it.
                untranslatable ??= ex;
                attempts--;
                Attempt(provider, "untranslatable");
                continue;
            }

            using var request = s.Kind == ApiKind.Embeddings
                ? provider.CreateEmbeddingsRequest(target.Model, content)
                : provider.CreateChatRequest(target.Model, content, s.Scan.Stream, anthropicBeta);
            // One timer per attempt: first the time to response headers, then re-armed for the rest of the total.
            var attemptStarted = _time.GetTimestamp();
            tried = target;
            var cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            cts.CancelAfter(provider.FirstByteTimeout < provider.TotalTimeout ? provider.FirstByteTimeout : provider.TotalTimeout);
            try
            {
                response = await provider.SendAsync(request, cts.Token);
                var remaining = provider.TotalTimeout - _time.GetElapsedTime(attemptStarted);
                cts.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1));
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                cts.Dispose();
                return;
            }
            catch (OperationCanceledException)
            {
                cts.Dispose();
                failure = Failure.Timeout;
                Attempt(provider, "timeout");
                continue;
            }
            catch (HttpRequestException ex)
            {
                cts.Dispose();
                failure = ex.InnerException is TimeoutException ? Failure.Timeout : Failure.Unreachable;
                Attempt(provider, failure == Failure.Timeout ? "timeout" : "unreachable");
                continue;
            }

            var status = (int)response.StatusCode;
            if (status == 429 || status >= 500)
            {
                failure = Failure.UpstreamStatus;
                lastStatus = status;
                retryAfter = response.Headers.RetryAfter?.ToString();
                lastMessage = await ReadErrorMessageAsync(response, cts.Token);
                response.Dispose();
                response = null;
                cts.Dispose();
                Attempt(provider, status == 429 ? "rate_limited" : "server_error");
                continue;
            }

            Attempt(provider, status < 400 ? "ok" : "client_error");
            used = target;
            total = cts;
            break;
        }

        if (response is null && failure == Failure.None && untranslatable is not null)
        {
            throw untranslatable; // no target could carry it: nothing was forwarded
        }

        if (response is null || used is null || total is null)
        {
            var (code, status, message) = failure switch
            {
                Failure.Timeout => ("upstream_timeout", 504, "the provider did not answer in time"),
                Failure.UpstreamStatus => ("upstream_error", lastStatus, lastMessage ?? $"the provider answered HTTP {lastStatus}"),
                _ => ("upstream_unreachable", 502, "the provider could not be reached"),
            };
            if (retryAfter is not null && status == 429)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            await WardenErrors.WriteAsync(context, s.Shape, status, failure == Failure.UpstreamStatus ? code : "warden_" + code, message, fromUpstream: failure == Failure.UpstreamStatus);
            await FailedAfterForwardAsync(s, tried ?? targets[0], status, forwarded: tried is not null);
            return;
        }

        using (response)
        using (total)
        {
            var status = (int)response.StatusCode;
            if (status >= 400)
            {
                var message = await ReadErrorMessageAsync(response, total.Token) ?? $"the provider answered HTTP {status}";
                if (status is 401 or 403)
                {
                    (status, message) = (502, $"the provider '{used.Provider.Name}' rejected Warden's credentials for it");
                }

                await WardenErrors.WriteAsync(context, s.Shape, status, "upstream_error", message, fromUpstream: true);
                await FailedAfterForwardAsync(s, used, status, forwarded: true);
                return;
            }

            if (s.Scan.Stream && s.Kind != ApiKind.Embeddings)
            {
                await StreamAsync(s, used, response, total.Token);
            }
            else
            {
                await RespondAsync(s, used, response, total.Token);
            }
        }
    }

    private async Task RespondAsync(RequestState s, RouteTarget target, HttpResponseMessage response, CancellationToken ct)
    {
        var context = s.Context;
        using var buffer = new PooledBuffer((int)Math.Min(response.Content.Headers.ContentLength ?? 16 * 1024, MaxResponseBytes));
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            if (!await buffer.ReadFromAsync(stream, MaxResponseBytes, ct))
            {
                await Garbage(s, target, "the provider's answer is too large");
                return;
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (OperationCanceledException)
        {
            await WardenErrors.WriteAsync(context, s.Shape, 504, "warden_upstream_timeout", "the provider did not finish its answer in time", fromUpstream: false);
            await FailedAfterForwardAsync(s, target, 504, forwarded: true);
            return;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            await Garbage(s, target, "the provider's connection failed mid-answer");
            return;
        }

        var passthrough = s.Kind != ApiKind.UnifiedProxy && target.Provider.Format == s.CallerFormat &&
            (s.Session is null ? s.Canonical is null : !MayNeedRestore(s.Session, buffer.Span));
        ReadOnlyMemory<byte> output;
        int input = 0, outputTokens = 0;
        try
        {
            if (passthrough)
            {
                UsageScanner.Scan(buffer.Span, ref input, ref outputTokens);
                output = buffer.Memory;
            }
            else if (IsAnthropicNative(s, target))
            {
                output = AnthropicRestore.Restore(buffer.Span, s.Session!) ?? buffer.Memory;
                UsageScanner.Scan(output.Span, ref input, ref outputTokens);
            }
            else if (IsOpenAINative(s, target))
            {
                output = OpenAIRestore.Restore(buffer.Span, s.Session!) ?? buffer.Memory;
                UsageScanner.Scan(output.Span, ref input, ref outputTokens);
            }
            else
            {
                var node = JsonNode.Parse(buffer.Span) as JsonObject ?? throw new JsonException("not an object");
                output = Serialize(TranslateResponse(s, target, node, ref input, ref outputTokens));
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Invalid JSON, or valid JSON whose fields have the wrong type (JsonNode's typed reads throw the other two).
            await Garbage(s, target, "the provider answered with something that is not a valid response");
            return;
        }

        s.InputTokens = input;
        s.OutputTokens = outputTokens;
        if (s.Capture)
        {
            s.ResponseHmac = await CaptureAsync(System.Text.Encoding.UTF8.GetString(output.Span), context.RequestAborted);
        }

        await AuditResponseAsync(s, target, 200);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = output.Length;
        await context.Response.Body.WriteAsync(output, context.RequestAborted);
        await RecordUsageAsync(s, target);
        Complete(s, target.Provider.Name, 200);
    }

    /// <summary>
    /// Scrubbed OpenAI caller, OpenAI target, chat: the answer comes back as the provider's bytes with only the surrogates
    /// restored (<see cref="OpenAIRestore"/>, one pass, no DOM), as <see cref="IsAnthropicNative"/> does for Anthropic.
    /// </summary>
    private static bool IsOpenAINative(RequestState s, RouteTarget target) =>
        s.Session is not null && s.Kind == ApiKind.OpenAIChat && s.CallerFormat == WireFormat.OpenAI && target.Provider.Format == WireFormat.OpenAI;

    /// <summary>
    /// False only when a same-format answer certainly holds nothing to restore: the session issued no realistic fakes and
    /// the answer has no '&lt;' (raw or JSON-escaped), so no <c>&lt;TYPE_n&gt;</c> token. The answer then passes unchanged,
    /// without a parse and a re-serialisation.
    /// </summary>
    private static bool MayNeedRestore(Core.Pseudonymization.IPseudonymizationSession session, ReadOnlySpan<byte> answer) =>
        session is not Core.Pseudonymization.PseudonymizationSession { IssuedFakes: false } ||
        answer.IndexOf((byte)'<') >= 0 || answer.IndexOf("\\u003"u8) >= 0;

    private JsonObject TranslateResponse(RequestState s, RouteTarget target, JsonObject node, ref int input, ref int output)
    {
        if (s.Kind == ApiKind.Embeddings)
        {
            input = (int?)node["usage"]?["prompt_tokens"] ?? 0;
            return node;
        }

        JsonObject canonical;
        if (target.Provider.Format == WireFormat.Anthropic)
        {
            if (node["content"] is not JsonArray)
            {
                throw new JsonException("missing content");
            }

            canonical = ResponseTranslator.AnthropicToOpenAI(node, _time.GetUtcNow().ToUnixTimeSeconds());
        }
        else
        {
            if (node["choices"] is not JsonArray choices || choices.Any(c => c is not JsonObject))
            {
                throw new JsonException("missing choices");
            }

            canonical = node;
        }

        if (s.Session is not null)
        {
            Scrubbing.Restore(canonical, s.Session);
        }

        input = (int?)canonical["usage"]?["prompt_tokens"] ?? 0;
        output = (int?)canonical["usage"]?["completion_tokens"] ?? 0;
        return s.CallerFormat == WireFormat.Anthropic ? ResponseTranslator.OpenAIToAnthropic(canonical) : canonical;
    }

    private async Task Garbage(RequestState s, RouteTarget target, string message)
    {
        LogGarbage(_logger, target.Provider.Name);
        await WardenErrors.WriteAsync(s.Context, s.Shape, 502, "warden_upstream_invalid", message, fromUpstream: false);
        await FailedAfterForwardAsync(s, target, 502, forwarded: true);
    }


    private static async Task<string?> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var buffer = new PooledBuffer(4096);
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            await buffer.ReadFromAsync(stream, 64 * 1024, ct);
            using var doc = JsonDocument.Parse(buffer.Memory);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    return m.GetString();
                }

                if (error.ValueKind == JsonValueKind.String)
                {
                    return error.GetString();
                }
            }
        }
#pragma warning disable CA1031 // an unreadable error body just gets a generic message
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return null;
    }

    private AuditEvent CompletionEvent(RequestState s, RouteTarget target, int status) => new()
    {
        Type = "gateway.response",
        PrincipalId = s.Principal.Id,
        AgentId = s.Principal.Kind == Core.Identity.PrincipalKind.Agent ? s.Principal.Id : null,
        OnBehalfOf = s.Principal.OnBehalfOf,
        TaskId = s.Principal.TaskId,
        Action = s.Kind == ApiKind.Embeddings ? "llm.embeddings" : "llm.chat",
        Provider = target.Provider.Name,
        Model = target.Model,
        Status = status,
        LatencyMs = _time.GetElapsedTime(s.Started).TotalMilliseconds,
        PromptTokens = s.InputTokens,
        CompletionTokens = s.OutputTokens,
        FindingCounts = s.Session?.FindingCounts,
        RuleId = s.Decision?.RuleId,
        ContentHmac = s.ResponseHmac,
    };

    private void Complete(RequestState s, string provider, int status)
    {
        var elapsed = _time.GetElapsedTime(s.Started);
        _metrics.Request(provider, s.Principal.Name, s.Endpoint, status, elapsed.TotalSeconds);
        _metrics.Tokens(provider, s.Principal.Name, s.InputTokens, s.OutputTokens);
        LogCompleted(_logger, s.Endpoint, provider, status, s.Principal.Name, elapsed.TotalMilliseconds);
    }

    private void Attempt(ProviderClient provider, string outcome)
    {
        _metrics.Attempt(provider.Name, outcome);
        if (outcome != "ok")
        {
            LogAttemptFailed(_logger, provider.Name, outcome);
        }
    }

    internal static readonly MediaTypeHeaderValue EventStream = new("text/event-stream");

    [LoggerMessage(EventId = 2010, Level = LogLevel.Debug, Message = "{Endpoint} via {Provider}: {Status} for agent {Agent} in {ElapsedMs} ms")]
    private static partial void LogCompleted(ILogger logger, string endpoint, string provider, int status, string agent, double elapsedMs);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Upstream {Provider} attempt failed: {Outcome}")]
    private static partial void LogAttemptFailed(ILogger logger, string provider, string outcome);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Upstream {Provider} sent an invalid answer")]
    private static partial void LogGarbage(ILogger logger, string provider);
}
