// The floor Warden is measured against: the same Kestrel host and the same SocketsHttpHandler settings as
// Warden's ProviderClient, reading the body and forwarding it with nothing else on the path (no auth, policy,
// audit, metrics, JSON scan). FLOOR_MODE=invoker (default): HttpMessageInvoker + copy loop like ProxyHandler;
// FLOOR_MODE=yarp: YARP's IHttpForwarder. FLOOR_UPSTREAM=http://127.0.0.1:19100 (the bench mock).
using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;

var upstream = (Environment.GetEnvironmentVariable("FLOOR_UPSTREAM") ?? "http://127.0.0.1:19100").TrimEnd('/');
var mode = Environment.GetEnvironmentVariable("FLOOR_MODE") ?? "invoker";
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
if (Environment.GetEnvironmentVariable("FLOOR_KESTREL_INLINE") == "1")
{
    builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
}

builder.Services.AddHttpForwarder();
var app = builder.Build();

var handler = new SocketsHttpHandler
{
    ConnectTimeout = TimeSpan.FromSeconds(10),
    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
    MaxConnectionsPerServer = 1024,
    AllowAutoRedirect = false,
    UseCookies = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseProxy = false,
    ActivityHeadersPropagator = null, // as ProviderClient (the floor never has an Activity: no logging providers)
    ConnectCallback = async (context, ct) =>
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(context.DnsEndPoint, ct);
        return new NetworkStream(socket, ownsSocket: true);
    },
};
var invoker = new HttpMessageInvoker(handler);
var target = new Uri(upstream + "/v1/chat/completions");
var json = new MediaTypeHeaderValue("application/json");
var userAgent = new ProductInfoHeaderValue("warden", "1.0");

if (mode == "yarp")
{
    var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
    app.MapPost("/v1/chat/completions", async context =>
    {
        await forwarder.SendAsync(context, upstream, invoker, ForwarderRequestConfig.Empty, HttpTransformer.Empty);
    });
}
else
{
    app.MapPost("/v1/chat/completions", async context =>
    {
        var aborted = context.RequestAborted;
        var length = (int)(context.Request.ContentLength ?? 4096);
        var body = ArrayPool<byte>.Shared.Rent(Math.Max(length, 256));
        var n = 0;
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(body.AsMemory(n), aborted)) > 0)
            {
                n += read;
                if (n == body.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(body.Length * 2);
                    body.AsSpan(0, n).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(body);
                    body = bigger;
                }
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ReadOnlyMemoryContent(body.AsMemory(0, n)), Version = HttpVersion.Version11 };
            request.Content.Headers.ContentType = json;
            request.Headers.UserAgent.Add(userAgent);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer sk-floor");
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            cts.CancelAfter(TimeSpan.FromSeconds(60));
            using var response = await invoker.SendAsync(request, cts.Token);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            if (response.Content.Headers.ContentLength is { } cl)
            {
                context.Response.ContentLength = cl;
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                while ((read = await stream.ReadAsync(buffer, cts.Token)) > 0)
                {
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), aborted);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    });
}

app.MapGet("/healthz", () => "ok");
app.Run();
