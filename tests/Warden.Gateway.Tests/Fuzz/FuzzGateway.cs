using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Fuzz;

/// <summary>
/// One real gateway (Kestrel, 127.0.0.1 port 0) in front of two recording fake providers, shared by the cases of one
/// fuzz class, with a small body cap so near-cap and over-cap bodies stay cheap.
/// </summary>
public sealed class FuzzGateway : IAsyncLifetime
{
    public const long BodyCap = 64 * 1024;

    public FakeProvider OpenAI { get; private set; } = null!;

    public FakeProvider Anthropic { get; private set; } = null!;

    public GatewayFixture Gateway { get; private set; } = null!;

    public HttpClient Agent { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>Requests both fake providers received so far.</summary>
    public int Forwarded => OpenAI.Requests.Count + Anthropic.Requests.Count;

    public async Task InitializeAsync()
    {
        OpenAI = await FakeProvider.StartAsync("openai");
        Anthropic = await FakeProvider.StartAsync("anthropic");

        // A real provider answers a request it cannot read with a 400 in its own error shape (the default fake answer
        // would throw on a fuzzed field and answer 500).
        OpenAI.Respond = (ctx, r) => AnswerOr400Async(ctx, r, FakeProvider.OpenAIAnswer, """{"error":{"message":"bad request","type":"invalid_request_error","param":null,"code":null}}""");
        Anthropic.Respond = (ctx, r) => AnswerOr400Async(ctx, r, FakeProvider.AnthropicAnswer, """{"type":"error","error":{"type":"invalid_request_error","message":"bad request"}}""");
        var settings = ProxySettings.For(OpenAI, Anthropic);
        settings["Warden:MaxRequestBodyBytes"] = BodyCap.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Warden:Scanner:ProbeTimeoutSeconds"] = "2";
        settings["Warden:Scanner:ProbesPerSecond"] = "1000";
        settings["Warden:Identity:TokenRequestsPerMinute"] = "100000"; // the token fuzz sends hundreds from one address
        Gateway = await GatewayFixture.StartAsync(settings);
        Agent = Gateway.CreateClient(await Gateway.CreateAgentKeyAsync("fuzz-agent"));
        Admin = Gateway.CreateClient(Gateway.Info.NewAdminKey);
    }

    private static async Task AnswerOr400Async(Microsoft.AspNetCore.Http.HttpContext ctx, RecordedRequest r, Func<Microsoft.AspNetCore.Http.HttpContext, RecordedRequest, string, Task> answer, string error)
    {
        try
        {
            await answer(ctx, r, "Hello from the fake provider");
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidCastException or NullReferenceException or JsonException or FormatException or OverflowException or ArgumentException && !ctx.Response.HasStarted)
        {
            ctx.Response.StatusCode = 400;
            ctx.Response.ContentType = "application/json";
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.Response, error);
        }
    }

    public async Task DisposeAsync()
    {
        Agent.Dispose();
        Admin.Dispose();
        await Gateway.DisposeAsync();
        await OpenAI.DisposeAsync();
        await Anthropic.DisposeAsync();
    }

    public static async Task<(HttpStatusCode Status, string? ContentType, string Body, string? Source)> SendAsync(HttpClient client, HttpMethod method, string path, byte[] body, string? contentType)
    {
        using var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await client.SendAsync(request);
        var source = response.Headers.TryGetValues(Warden.Gateway.Errors.WardenErrors.SourceHeader, out var v) ? v.FirstOrDefault() : null;
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), source);
    }

    /// <summary>
    /// The error contract: the caller's shape (OpenAI on <c>/v1/chat/completions</c>, Anthropic on <c>/v1/messages</c>,
    /// problem+json elsewhere) with the status repeated where the shape has one; returns a failure reason or null.
    /// </summary>
    public static string? CheckErrorShape(string path, int status, string? contentType, string body)
    {
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return "error body is not JSON";
        }

        if (path.StartsWith("v1/messages", StringComparison.Ordinal))
        {
            return contentType == "application/json" && (string?)json?["type"] == "error" && json["error"]?["type"] is JsonValue && json["error"]?["message"] is JsonValue
                ? null : "not the Anthropic error shape";
        }

        if (path.StartsWith("v1/", StringComparison.Ordinal))
        {
            return contentType == "application/json" && json?["error"]?["message"] is JsonValue && json["error"]?["type"] is JsonValue
                ? null : "not the OpenAI error shape";
        }

        return contentType == "application/problem+json" && (int?)json?["status"] == status && json["detail"] is JsonValue
            ? null : "not application/problem+json with the status";
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
