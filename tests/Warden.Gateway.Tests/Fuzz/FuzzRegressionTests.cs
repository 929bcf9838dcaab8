using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Warden.Gateway.Tests.Fuzz;

/// <summary>The cases the seeded fuzz suite found, kept as plain regression tests (each failed before its fix).</summary>
public sealed class FuzzRegressionTests(FuzzGateway fx) : IClassFixture<FuzzGateway>
{
    private const string ValidChat = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""";

    // Found by seed 1601: JsonElement.GetString threw InvalidOperationException, answered 500.
    [Theory]
    [InlineData(new byte[] { 0xFF }, "the request body is not valid UTF-8")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "the request body is not valid UTF-8")]
    [InlineData(new byte[] { (byte)'\\', (byte)'u', (byte)'d', (byte)'8', (byte)'0', (byte)'0' }, "lone UTF-16 surrogate")]
    public async Task OpenClawScan_TargetNotValidUnicode_Returns400ProblemJson(byte[] inTarget, string detail)
    {
        byte[] body = [.. "{\"targets\":[\"127.0.0.1:9"u8, .. inTarget, .. "\"],\"format\":\"sarif\"}"u8];
        var (status, contentType, text, _) = await FuzzGateway.SendAsync(fx.Admin, HttpMethod.Post, "api/openclaw-scan", body, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains(detail, text, StringComparison.Ordinal);
    }

    // Found by seed 1101: a member name with invalid UTF-8 was skipped as unknown (the message's role silently became "user").
    [Fact]
    public async Task Scrub_InvalidUtf8InAMemberName_Returns400()
    {
        byte[] body = [.. "{\"messages\":[{\"role"u8, 0xFF, .. "\":\"assistant\",\"content\":\"ok\"}]}"u8];
        var (status, contentType, text, _) = await FuzzGateway.SendAsync(fx.Agent, HttpMethod.Post, "api/scrub", body, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains("not valid UTF-8", text, StringComparison.Ordinal);
    }

    // Found by seeds 1301-1601: after a 413 the server dropped the connection without saying so, and the client's next
    // request on that pooled connection failed ("The response ended prematurely").
    [Theory]
    [InlineData("v1/chat/completions")]
    [InlineData("api/scrub")]
    [InlineData("admin/revocations")]
    public async Task OverCapBody_413SaysConnectionClose_NextRequestOnTheSameClientSucceeds(string path)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1 };
        using var client = new HttpClient(handler) { BaseAddress = fx.Gateway.BaseAddress };
        var key = path.StartsWith("admin/", StringComparison.Ordinal) ? fx.Admin.DefaultRequestHeaders.Authorization : fx.Agent.DefaultRequestHeaders.Authorization;
        var big = Encoding.UTF8.GetBytes($$"""{"model":"gpt-4o-mini","text":"{{new string('a', (int)FuzzGateway.BodyCap + 100)}}","messages":[]}""");
        for (var round = 0; round < 3; round++)
        {
            using var tooLargeRequest = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(big) };
            tooLargeRequest.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            tooLargeRequest.Headers.Authorization = key;
            using var tooLarge = await client.SendAsync(tooLargeRequest);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            Assert.True(tooLarge.Headers.ConnectionClose, "413 must close the connection");

            using var validRequest = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(ValidChat, Encoding.UTF8, "application/json") };
            validRequest.Headers.Authorization = fx.Agent.DefaultRequestHeaders.Authorization;
            using var valid = await client.SendAsync(validRequest);
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        }
    }

    // Found by seeds 2101/2102: /oauth/token refused a form over 64 KiB without reading it and without saying the
    // connection would close; the client's next request on that pooled connection failed ("The response ended prematurely").
    [Fact]
    public async Task TokenForm_OverCap_400SaysConnectionClose_NextRequestOnTheSameClientSucceeds()
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1 };
        using var client = new HttpClient(handler) { BaseAddress = fx.Gateway.BaseAddress };
        for (var round = 0; round < 3; round++)
        {
            using var tooLarge = await client.PostAsync("oauth/token", new StringContent("grant_type=x&subject_token=" + new string('a', (int)FuzzGateway.BodyCap + 100), Encoding.ASCII, "application/x-www-form-urlencoded"));
            Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
            Assert.True(tooLarge.Headers.ConnectionClose, "a refused, unread form must close the connection");
            Assert.Equal("invalid_request", (string?)JsonNode.Parse(await tooLarge.Content.ReadAsStringAsync())!["error"]);

            using var validRequest = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(ValidChat, Encoding.UTF8, "application/json") };
            validRequest.Headers.Authorization = fx.Agent.DefaultRequestHeaders.Authorization;
            using var valid = await client.SendAsync(validRequest);
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        }
    }

    // Found by seed 1701: a typed admin body over the size limit got a bare 413 (minimal APIs set the status and return).
    [Theory]
    [InlineData("PUT", "admin/users/usr_x/rights")]
    [InlineData("PATCH", "admin/agents/agt_x/profile")]
    [InlineData("POST", "admin/revocations")]
    [InlineData("POST", "admin/agents")]
    public async Task AdminTypedBody_OverCap_Returns413ProblemJson(string method, string path)
    {
        var big = Encoding.UTF8.GetBytes($$"""{"owner":"{{new string(' ', (int)FuzzGateway.BodyCap)}}"}""");
        var (status, contentType, text, _) = await FuzzGateway.SendAsync(fx.Admin, new HttpMethod(method), path, big, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(413, (int?)JsonNode.Parse(text)!["status"]);
    }
}
