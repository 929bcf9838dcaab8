using System.Net.Http.Headers;
using System.Text;
using Warden.Scanner.Findings;

namespace Warden.Scanner.Probing;

/// <summary>
/// Makes the probes for one target and records each as <see cref="Evidence"/>. It only ever sends
/// GET requests, POST requests with a deliberately invalid empty JSON object, and WebSocket
/// handshakes; it never sends an <c>Authorization</c> header, cookie or any credential.
/// </summary>
internal sealed partial class ProbeSession
{
    /// <summary>Bodies are read up to this many bytes; the rest is discarded.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private readonly HttpMessageInvoker _invoker;
    private readonly ProbeRateLimiter _rateLimiter;
    private readonly ScanOptions _options;
    private readonly TimeProvider _time;
    private readonly List<Evidence> _evidence = [];
    private readonly Lock _gate = new();

    public ProbeSession(HttpMessageInvoker invoker, ProbeRateLimiter rateLimiter, ScanOptions options, TimeProvider time)
    {
        _time = time;
        _invoker = invoker;
        _rateLimiter = rateLimiter;
        _options = options;
    }

    /// <summary>Every probe made so far.</summary>
    public IReadOnlyList<Evidence> Evidence
    {
        get
        {
            lock (_gate)
            {
                return [.. _evidence];
            }
        }
    }

    /// <summary>GET a URL.</summary>
    public Task<HttpProbeResult> GetAsync(Uri uri, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, uri, sendEmptyJson: false, cancellationToken);

    /// <summary>POST <c>{}</c>: invalid for every OpenClaw endpoint, so even an open one can only reject it.</summary>
    public Task<HttpProbeResult> PostEmptyJsonAsync(Uri uri, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, uri, sendEmptyJson: true, cancellationToken);

    private async Task<HttpProbeResult> SendAsync(HttpMethod method, Uri uri, bool sendEmptyJson, CancellationToken cancellationToken)
    {
        var requestLine = $"{method.Method} {uri}" + (sendEmptyJson ? " body={}" : string.Empty);
        await _rateLimiter.WaitAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ProbeTimeout);
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("warden-scan", ScannerInfo.Version));
        request.Headers.Accept.ParseAdd("text/html,application/json;q=0.9,*/*;q=0.5");
        if (sendEmptyJson)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await _invoker.SendAsync(request, timeout.Token);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var h in response.Headers.Concat(response.Content.Headers))
            {
                headers[h.Key] = string.Join(", ", h.Value);
            }

            var contentType = response.Content.Headers.ContentType?.MediaType;
            var body = await ReadBoundedAsync(response.Content, timeout.Token);
            var status = (int)response.StatusCode;
            var id = Record("http", requestLine, status, Excerpts.FromBody(contentType, body), error: null);
            return new HttpProbeResult(id, status, headers, contentType, body, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var id = Record("http", requestLine, null, string.Empty, $"no answer within {_options.ProbeTimeout.TotalSeconds:0.###} s");
            return new HttpProbeResult(id, null, new Dictionary<string, string>(), null, string.Empty, "timeout");
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.HttpRequestError.ToString();
            var id = Record("http", requestLine, null, string.Empty, reason);
            return new HttpProbeResult(id, null, new Dictionary<string, string>(), null, string.Empty, reason);
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBodyBytes];
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>Adds an evidence record and returns its id.</summary>
    internal string Record(string kind, string request, int? status, string excerpt, string? error)
    {
        lock (_gate)
        {
            var id = "E" + (_evidence.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _evidence.Add(new Evidence(id, kind, request, status, excerpt, error));
            return id;
        }
    }
}
