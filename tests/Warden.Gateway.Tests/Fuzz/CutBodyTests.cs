using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Warden.Gateway.Tests.Fuzz;

/// <summary>
/// Bodies that stop early on a raw socket (a chunked body cut inside a chunk or before its last chunk, a Content-Length
/// the client never fills), seeded: the gateway answers 400 or just closes, forwards nothing, and keeps serving.
/// </summary>
public sealed class CutBodyTests(FuzzGateway fx) : IClassFixture<FuzzGateway>
{
    private const int Cases = 40;

    private static readonly string[] Paths = ["v1/chat/completions", "v1/messages", "api/proxy", "api/scrub", "api/screen", "api/openclaw-scan", "admin/policy/explain"];

    private const string Body = """{"model":"gpt-4o-mini","max_tokens":16,"provider":"openai","text":"hi","content":"hi","targets":["127.0.0.1:9"],"messages":[{"role":"user","content":"Mail jane.doe@example.com today"}]}""";

    [Theory]
    [InlineData(3101)]
    public async Task BodyCutShort_Seeded_400OrClosed_NothingForwarded_GatewayKeepsServing(int seed)
    {
        var rng = new Random(seed);
        var agentKey = fx.Agent.DefaultRequestHeaders.Authorization!.Parameter!;
        var adminKey = fx.Admin.DefaultRequestHeaders.Authorization!.Parameter!;
        var failures = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            var path = Paths[rng.Next(Paths.Length)];
            var key = path.StartsWith("admin/", StringComparison.Ordinal) || path == "api/openclaw-scan" ? adminKey : agentKey;
            var bytes = Encoding.UTF8.GetBytes(Body);
            var cut = rng.Next(0, bytes.Length);
            var variant = rng.Next(3);
            var head = $"POST /{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\n";
            byte[] request = variant switch
            {
                // Chunked, cut inside a chunk that announced the whole body.
                0 => [.. Encoding.ASCII.GetBytes(head + $"Transfer-Encoding: chunked\r\n\r\n{bytes.Length:x}\r\n"), .. bytes.AsSpan(0, cut)],
                // Chunked, complete chunk but no terminating zero-length chunk.
                1 => [.. Encoding.ASCII.GetBytes(head + $"Transfer-Encoding: chunked\r\n\r\n{cut + 1:x}\r\n"), .. bytes.AsSpan(0, cut + 1), .. "\r\n"u8],
                // Content-Length larger than what is sent.
                _ => [.. Encoding.ASCII.GetBytes(head + $"Content-Length: {bytes.Length}\r\n\r\n"), .. bytes.AsSpan(0, cut)],
            };
            var before = fx.Forwarded;
            var answer = await SendAndHalfCloseAsync(fx.Gateway.BaseAddress, request);
            var label = $"seed {seed} case {i} variant {variant} cut {cut} {path}";
            if (answer.Length > 0 && !answer.StartsWith("HTTP/1.1 400 ", StringComparison.Ordinal))
            {
                failures.Add($"{label}: answered {answer.Split('\n')[0]}");
            }

            if (fx.Forwarded != before)
            {
                failures.Add($"{label}: a provider received a request");
            }
        }

        var (status, _, body, _) = await FuzzGateway.SendAsync(fx.Agent, HttpMethod.Post, "v1/chat/completions", FuzzGateway.Utf8("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"""), "application/json");
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Sends <paramref name="request"/>, closes the sending side and returns whatever the server answered.</summary>
    private static async Task<string> SendAndHalfCloseAsync(Uri server, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(request);
        client.Client.Shutdown(SocketShutdown.Send);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
            // Reset by the server after (or instead of) its answer.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }
}
