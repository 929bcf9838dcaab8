using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Core.Audit;
using Warden.Core.Identity;
using Warden.Core.Policy;
using Warden.Core.Pseudonymization;
using Warden.Core.RateLimiting;
using Warden.Gateway.Audit;
using Warden.Gateway.Authentication;
using Warden.Gateway.Errors;
using Warden.Gateway.Hosting;
using Warden.Gateway.Observability;
using Warden.Gateway.Providers;
using Warden.Gateway.Translation;

namespace Warden.Gateway.Proxy;

/// <summary>
/// The LLM request path: read (bounded) → validate → route (aliases, fallbacks) → policy (deny by
/// default; an exception denies) → scrub (when asked or required; fail closed) → audit (fail closed)
/// → upstream with ordered fallback within the retry budget → translate/restore → answer.
/// Same-dialect, unscrubbed requests pass through byte for byte (only <c>model</c> may be rewritten).
/// </summary>
internal sealed partial class ProxyHandler
{
    /// <summary>Only what JSON requires is escaped: non-ASCII text and &lt;, &gt; travel as they came.</summary>
    internal static readonly JsonWriterOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const long MaxResponseBytes = 64L * 1024 * 1024;
    private const int MaxEventBytes = 4 * 1024 * 1024;

    private readonly WardenGatewayOptions _options;
    private readonly ProviderRegistry _registry;
    private readonly IPolicyDecisionPoint _pdp;
    private readonly IAuditTrail _audit;
    private readonly IPseudonymizer? _pseudonymizer;
    private readonly GatewayMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ProxyHandler> _logger;
    private readonly RateLimitEnforcer? _limits;
    private readonly PromptTokenCounter? _tokens;
    private readonly AuditFailOpenJournal? _failOpen;
    private readonly ContentCapturePolicy? _capture;
    private readonly AuditContentProtector? _protector;
    private readonly Core.Detection.DetectionEngine? _detector;
    private readonly bool _classify;
    private readonly EndUserIdHasher? _endUserHasher;

    public ProxyHandler(WardenGatewayOptions options, ProviderRegistry registry, IPolicyDecisionPoint pdp, IAuditTrail audit,
        IServiceProvider services, GatewayMetrics metrics, TimeProvider time, ILogger<ProxyHandler> logger)
    {
        _options = options;
        _registry = registry;
        _pdp = pdp;
        _audit = audit;
        _pseudonymizer = services.GetService<IPseudonymizer>();
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _limits = services.GetService<RateLimitEnforcer>();
        _tokens = services.GetService<PromptTokenCounter>();
        _failOpen = services.GetService<AuditFailOpenJournal>();
        _capture = services.GetService<ContentCapturePolicy>();
        _protector = services.GetService<AuditContentProtector>();
        _detector = services.GetService<Core.Detection.DetectionEngine>();
        _classify = services.GetService<Identity.WardenIdentitySettings>()?.ClassifyWithDetection == true;
        _endUserHasher = services.GetService<AuditContentKeys>() is { } contentKeys ? new EndUserIdHasher(contentKeys) : null;
    }

    public async Task HandleAsync(HttpContext context, ApiKind kind)
    {
        var started = _time.GetTimestamp();
        var principal = context.RequireWardenPrincipal();
        var aborted = context.RequestAborted;
        var shape = kind switch
        {
            ApiKind.AnthropicMessages => ErrorShape.Anthropic,
            ApiKind.UnifiedProxy => ErrorShape.Problem,
            _ => ErrorShape.OpenAI,
        };

        var contentLength = context.Request.ContentLength;
        if (contentLength > _options.MaxRequestBodyBytes)
        {
            throw new WardenHttpException(413, "request_too_large", "the request body is larger than Warden:MaxRequestBodyBytes");
        }

        // A compressed body would be scanned as what it is not (and a header claiming compression over plain JSON is a
        // body two parsers can read differently): only identity is taken.
        if (context.Request.Headers.ContentEncoding is { Count: > 0 } encoding && !string.Equals(encoding.ToString(), "identity", StringComparison.OrdinalIgnoreCase))
        {
            throw new WardenHttpException(415, "unsupported_content_encoding", "Warden takes uncompressed request bodies only (Content-Encoding: identity)");
        }

        using var body = new PooledBuffer((int)Math.Min(contentLength ?? 4096, _options.MaxRequestBodyBytes));
        if (!await body.ReadFromAsync(context.Request.Body, _options.MaxRequestBodyBytes, aborted))
        {
            throw new WardenHttpException(413, "request_too_large", "the request body is larger than Warden:MaxRequestBodyBytes");
        }

        var scan = RequestScan.Scan(body.Span);
        if (string.IsNullOrEmpty(scan.Model))
        {
            throw new WardenHttpException(400, "invalid_request", "'model' is required");
        }

        // Shapes scrubbing could not walk are refused before anything is forwarded (a string in place of the
        // messages array would otherwise leave unscrubbed).
        if (kind == ApiKind.Embeddings ? scan.Input is not (JsonTokenType.String or JsonTokenType.StartArray) : scan.Messages != JsonTokenType.StartArray)
        {
            throw new WardenHttpException(400, "invalid_request", kind == ApiKind.Embeddings ? "'input' must be a string or an array" : "'messages' must be an array");
        }

        if (kind == ApiKind.Embeddings && scan.InputNotText)
        {
            // Token ids are text in an encoding classification and scrubbing cannot read: forwarding them would let any
            // caller send personal data past both by tokenizing it first.
            throw new WardenHttpException(400, "invalid_request", "'input' must be a string or an array of strings: token ids cannot be classified or scrubbed, so Warden does not forward them");
        }

        if (kind == ApiKind.UnifiedProxy && scan.ProviderNotString)
        {
            throw new WardenHttpException(400, "invalid_request", "'provider' must be a string (a configured provider's name)");
        }

        var targets = _registry.Resolve(scan.Model, kind == ApiKind.UnifiedProxy ? scan.Provider?.ToLowerInvariant() : null)
            ?? throw new WardenHttpException(404, "model_not_found", scan.Provider is null
                ? $"the model '{scan.Model}' does not exist or is not configured in Warden"
                : $"the provider '{scan.Provider}' is not configured in Warden");

        var action = kind == ApiKind.Embeddings ? "llm.embeddings" : "llm.chat";
        var data = Classify(context, body.Memory, scan.HasBinary);
        var permitted = Authorize(principal, action, targets, data, out var firstDenial, out var decision);
        if (permitted.Count == 0)
        {
            await AuditDenialAsync(principal, action, targets[0], firstDenial!);
            throw new WardenHttpException(403, "policy_denied", $"denied by policy ({firstDenial!.RuleId}): {firstDenial.Reason}");
        }

        var scrubRequired = scan.Scrub;
        var passEndUser = false;
        foreach (var t in permitted)
        {
            scrubRequired |= t.Provider.Options.RequireScrub;
            passEndUser |= t.Provider.Options.EndUserIdMode == EndUserIdMode.Pass;
        }

        var session = scrubRequired ? OpenScrubSession(principal) : null;
        var callerFormat = kind == ApiKind.AnthropicMessages ? WireFormat.Anthropic : WireFormat.OpenAI;
        var endpoint = EndpointName(kind);
        var state = new RequestState(context, kind, callerFormat, shape, principal, body, scan, session, started, endpoint)
        {
            Decision = decision,
            PassEndUser = passEndUser,
            Capture = decision!.CaptureContent || _capture?.ShouldCapture(principal.Kind == PrincipalKind.Agent ? principal.Id : null, principal.TaskId) == true,
        };

        await EnsureNoLostResponseRecordsAsync(decision.AuditFailOpen, aborted);
        await AuditOrFailAsync(new AuditEvent
        {
            Type = "gateway.request",
            PrincipalId = principal.Id,
            AgentId = principal.Kind == PrincipalKind.Agent ? principal.Id : null,
            OnBehalfOf = principal.OnBehalfOf,
            TaskId = principal.TaskId,
            Action = action,
            Provider = permitted[0].Provider.Name,
            Model = permitted[0].Model,
            Decision = decision.Effect == PolicyEffect.Redact ? "redact" : "allow",
            RuleId = decision.RuleId,
            FindingCounts = session?.FindingCounts,
            ContentHmac = state.Capture ? await CaptureAsync(System.Text.Encoding.UTF8.GetString(body.Span), aborted) : null,
        }, aborted, decision.AuditFailOpen);

        await ForwardAsync(state, permitted);
    }

    private List<RouteTarget> Authorize(WardenPrincipal principal, string action, RouteTarget[] targets, List<string>? data, out PolicyDecision? firstDenial, out PolicyDecision? firstAllow)
    {
        firstDenial = null;
        firstAllow = null;
        var permitted = new List<RouteTarget>(targets.Length);
        foreach (var t in targets)
        {
            PolicyDecision decision;
            try
            {
                decision = _pdp.Decide(new PolicyRequest(principal, action, t.Provider.Name, t.Model, DataClassifications: data, Time: _time.GetUtcNow()));
            }
#pragma warning disable CA1031 // a failing policy engine denies (fail closed)
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogPolicyError(_logger, ex.GetType().Name);
                decision = PolicyDecision.DefaultDeny("the policy engine failed; denied (fail closed)");
            }

            if (decision.IsPermitted)
            {
                permitted.Add(t);
                firstAllow ??= decision;
            }
            else
            {
                firstDenial ??= decision;
            }
        }

        return permitted;
    }

    private IPseudonymizationSession OpenScrubSession(WardenPrincipal principal)
    {
        if (_pseudonymizer is null)
        {
            throw new WardenHttpException(503, "scrub_unavailable", "scrubbing is required for this request but no pseudonymizer is available; the request was not forwarded");
        }

        try
        {
            // Detection results are reused only for texts the same principal sent before (system prompt, earlier turns).
            return _pseudonymizer.OpenSession(null, null, null, principal.Kind + ":" + principal.Id);
        }
#pragma warning disable CA1031 // a failing scrubber refuses the request (fail closed)
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogScrubError(_logger, ex.GetType().Name);
            throw new WardenHttpException(503, "scrub_failed", "scrubbing failed; the request was not forwarded");
        }
    }

    private async Task AuditOrFailAsync(AuditEvent auditEvent, CancellationToken ct, bool failOpen = false)
    {
        try
        {
            await _audit.AppendAsync(auditEvent, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // an audit failure blocks the request (fail closed)
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogAuditError(_logger, ex.GetType().Name);
            if (failOpen && _failOpen is not null)
            {
                _failOpen.Record(auditEvent); // the policy chose to fail open: proceed, audited once the trail is back
                return;
            }

            throw new WardenHttpException(503, "audit_unavailable", "the audit trail is unavailable; the request was refused (fail closed)");
        }
    }

    private static string EndpointName(ApiKind kind) => kind switch
    {
        ApiKind.OpenAIChat => "chat_completions",
        ApiKind.AnthropicMessages => "messages",
        ApiKind.UnifiedProxy => "proxy",
        _ => "embeddings",
    };

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Policy decision point threw {ExceptionType}; request denied")]
    private static partial void LogPolicyError(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Pseudonymizer threw {ExceptionType}; request refused")]
    private static partial void LogScrubError(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Audit trail threw {ExceptionType}; request refused")]
    private static partial void LogAuditError(ILogger logger, string exceptionType);
}
