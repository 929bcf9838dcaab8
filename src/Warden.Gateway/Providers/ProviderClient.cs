using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Warden.Gateway.Hosting;

namespace Warden.Gateway.Providers;

/// <summary>
/// One configured provider: its own pooled <see cref="SocketsHttpHandler"/> (reused for every
/// request), its key (held only in memory), and the code that builds a clean outgoing request.
/// Outgoing requests are built from scratch: nothing of the caller's request is copied except the
/// body Warden chose to send, so caller IPs, cookies, user-agent, organisation headers and the
/// agent key never reach the provider. The connect callback refuses hosts outside the egress
/// allowlist even if a URL slipped through.
/// </summary>
internal sealed class ProviderClient : IDisposable
{
    // Fixed header values go in as raw strings: no typed header objects per request, nothing to parse or format on send.
    private const string JsonMediaType = "application/json";
    private const string UserAgent = "warden/1.0";

    private readonly HttpMessageInvoker _invoker;
    private volatile string? _apiKey;
    private readonly string _baseUrl;
    private Uri? _chatUri;
    private Uri? _messagesUri;

    public ProviderClient(string name, ProviderOptions options, string? apiKey, IReadOnlyList<string> egressAllowlist, HttpMessageHandler? handlerOverride = null)
    {
        Name = name;
        Options = options;
        Format = ProviderDefaults.Format(options);
        _apiKey = apiKey;
        _baseUrl = (ProviderDefaults.BaseUrl(options) ?? "http://echo.invalid").TrimEnd('/');
        ConnectTimeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds);
        FirstByteTimeout = TimeSpan.FromSeconds(options.FirstByteTimeoutSeconds);
        TotalTimeout = TimeSpan.FromSeconds(options.TotalTimeoutSeconds);
        // An override handler belongs to whoever registered it (it outlives a configuration reload).
        _invoker = new HttpMessageInvoker(handlerOverride ?? CreateHandler(options, egressAllowlist), disposeHandler: handlerOverride is null or EchoProviderHandler);
    }

    public string Name { get; }

    public ProviderOptions Options { get; }

    public WireFormat Format { get; }

    public bool HasApiKey => _apiKey is not null;

    /// <summary>Replaces the key used from the next request on (admin API key rotation on this replica).</summary>
    public void ReplaceApiKey(string? apiKey) => _apiKey = apiKey;

    public TimeSpan ConnectTimeout { get; }

    public TimeSpan FirstByteTimeout { get; }

    public TimeSpan TotalTimeout { get; }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _invoker.SendAsync(request, cancellationToken);

    /// <summary>A chat request (OpenAI chat/completions or Anthropic messages) for <paramref name="model"/>.</summary>
    public HttpRequestMessage CreateChatRequest(string model, HttpContent content, bool stream, string? anthropicBeta)
    {
        var path = Format == WireFormat.Anthropic ? "/messages" : "/chat/completions";
        var request = new HttpRequestMessage(HttpMethod.Post, BuildUri(path, model)) { Content = content, Version = HttpVersion.Version11 };
        content.Headers.TryAddWithoutValidation("Content-Type", JsonMediaType);
        ApplyHeaders(request, stream);
        if (Format == WireFormat.Anthropic && anthropicBeta is not null)
        {
            request.Headers.TryAddWithoutValidation("anthropic-beta", anthropicBeta);
        }

        return request;
    }

    /// <summary>An OpenAI embeddings request.</summary>
    public HttpRequestMessage CreateEmbeddingsRequest(string model, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, BuildUri("/embeddings", model)) { Content = content, Version = HttpVersion.Version11 };
        content.Headers.TryAddWithoutValidation("Content-Type", JsonMediaType);
        ApplyHeaders(request, stream: false);
        return request;
    }

    private Uri BuildUri(string path, string model)
    {
        if (Options.Type == "azure-openai")
        {
            return new Uri($"{_baseUrl}/openai/deployments/{Uri.EscapeDataString(model)}{path}?api-version={Uri.EscapeDataString(Options.ApiVersion)}");
        }

        return path switch
        {
            "/chat/completions" => _chatUri ??= new Uri(_baseUrl + path),
            "/messages" => _messagesUri ??= new Uri(_baseUrl + path),
            _ => new Uri(_baseUrl + path),
        };
    }

    private void ApplyHeaders(HttpRequestMessage request, bool stream)
    {
        var h = request.Headers;
        h.TryAddWithoutValidation("User-Agent", UserAgent);
        h.TryAddWithoutValidation("Accept", stream ? "text/event-stream" : JsonMediaType);
        var key = _apiKey;
        if (key is not null)
        {
            switch (Options.Type)
            {
                case "anthropic":
                    h.TryAddWithoutValidation("x-api-key", key);
                    break;
                case "azure-openai":
                    h.TryAddWithoutValidation("api-key", key);
                    break;
                default:
                    h.TryAddWithoutValidation("Authorization", "Bearer " + key);
                    break;
            }
        }

        if (Format == WireFormat.Anthropic)
        {
            h.TryAddWithoutValidation("anthropic-version", Options.AnthropicVersion);
        }

        foreach (var (name, value) in Options.Headers)
        {
            h.TryAddWithoutValidation(name, value);
        }
    }

    private static SocketsHttpHandler CreateHandler(ProviderOptions options, IReadOnlyList<string> egressAllowlist)
    {
        var proxyUri = options.ForwardProxy is null ? null : new Uri(options.ForwardProxy);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            MaxConnectionsPerServer = 1024,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = proxyUri is not null,
            Proxy = proxyUri is null ? null : new WebProxy(proxyUri) { BypassProxyOnLocal = false },
            // No trace headers towards the provider: with a propagator, HttpClient copies the current Activity's
            // traceparent/tracestate/baggage (taken from the caller's own headers) into every outgoing request, and
            // wraps each send in a DiagnosticsHandler. Null removes both.
            ActivityHeadersPropagator = null,
        };

        // TLS verification stays on: no RemoteCertificateValidationCallback is ever set.
        handler.ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var viaProxy = proxyUri is not null && string.Equals(host, proxyUri.Host, StringComparison.OrdinalIgnoreCase);
            if (!viaProxy && !EgressAllowlist.IsAllowed(egressAllowlist, host))
            {
                throw new HttpRequestException($"egress to '{host}' is not in the allowlist");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return handler;
    }

    public void Dispose() => _invoker.Dispose();
}
