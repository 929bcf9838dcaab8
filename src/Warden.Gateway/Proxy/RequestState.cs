using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Warden.Core.Identity;
using Warden.Core.Pseudonymization;
using Warden.Gateway.Errors;
using Warden.Gateway.Providers;

namespace Warden.Gateway.Proxy;

/// <summary>Everything one proxied request carries between its stages.</summary>
internal sealed class RequestState(
    HttpContext context, ApiKind kind, WireFormat callerFormat, ErrorShape shape, WardenPrincipal principal,
    PooledBuffer body, RequestScan scan, IPseudonymizationSession? session, long started, string endpoint)
{
    public HttpContext Context { get; } = context;

    public ApiKind Kind { get; } = kind;

    public WireFormat CallerFormat { get; } = callerFormat;

    public ErrorShape Shape { get; } = shape;

    public WardenPrincipal Principal { get; } = principal;

    public PooledBuffer Body { get; } = body;

    public RequestScan Scan { get; } = scan;

    public IPseudonymizationSession? Session { get; } = session;

    public long Started { get; } = started;

    public string Endpoint { get; } = endpoint;

    /// <summary>The canonical (OpenAI-shaped) request, built once when translation or scrubbing is needed.</summary>
    public JsonObject? Canonical { get; set; }

    /// <summary>The scrubbed caller bytes (same-dialect OpenAI requests), built once before the first attempt.</summary>
    public ScrubRewriter? Scrubbed { get; set; }

    /// <summary>The canonical request's end-user id fields (originals and scrubbed values), set with <see cref="Canonical"/>.</summary>
    public EndUserFields? EndUser { get; set; }

    /// <summary>Some permitted target passes end-user ids on (<see cref="EndUserIdMode.Pass"/>): only then are they scrubbed.</summary>
    public bool PassEndUser { get; init; }

    public int InputTokens { get; set; }

    public int OutputTokens { get; set; }

    /// <summary>The policy decision that permitted the request (rule id, fail-open and capture settings).</summary>
    public Core.Policy.PolicyDecision? Decision { get; set; }

    /// <summary>Content capture is on for this request (policy rule or <c>Warden:Audit:Capture</c>).</summary>
    public bool Capture { get; set; }

    /// <summary>HMAC of the captured answer, for the <c>gateway.response</c> record.</summary>
    public string? ResponseHmac { get; set; }

    /// <summary>The streamed answer's text, collected only when needed (usage counting, capture).</summary>
    public StreamTextCollector? StreamText { get; set; }
}
