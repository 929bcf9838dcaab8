using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Detection;

public sealed class ScrubEndpointTests
{
    private const string Email = "canary.person.7731@example.org";
    private const string Card = "4111 1111 1111 1111";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Text_WithEmailAndCard_ReturnsRedactedTextAndFindings()
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("scrubber"));
        var text = $"Mail {Email} and charge {Card} please";

        using var response = await client.PostAsJsonAsync("api/scrub", new { text });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Mail <EMAIL_ADDRESS> and charge <CREDIT_CARD> please", doc.RootElement.GetProperty("text").GetString());
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToArray();
        Assert.Equal(2, findings.Length);
        var email = findings.Single(f => f.GetProperty("type").GetString() == "EMAIL_ADDRESS");
        Assert.Equal(text.IndexOf(Email, StringComparison.Ordinal), email.GetProperty("start").GetInt32());
        Assert.Equal(text.IndexOf(Email, StringComparison.Ordinal) + Email.Length, email.GetProperty("end").GetInt32());
    }

    [Fact]
    public async Task Request_WithoutCredential_Returns401()
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var client = gw.CreateClient();

        using var response = await client.PostAsync("api/scrub", Json("{\"text\":\"hi\"}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"text\":42}")]
    [InlineData("{\"text\":\"a\",\"messages\":[]}")]
    [InlineData("{}")]
    [InlineData("{\"text\":\"a\",\"entities\":[\"NOT_A_TYPE\"]}")]
    [InlineData("{\"text\":\"a\",\"operator\":\"shred\"}")]
    [InlineData("{\"text\":\"a\",\"language\":\"xx\"}")]
    [InlineData("{\"messages\":[{\"role\":\"user\"}]}")]
    [InlineData("{\"text\":\"a@b.com \\ud800\"}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"\\udc00\"}]}")]
    [InlineData("{\"text\":\"x\",\"text\":\"a@b.com\"}")]
    public async Task MalformedBody_Returns400ProblemJson(string body)
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("scrubber"));

        using var response = await client.PostAsync("api/scrub", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, doc.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task OversizedBody_Returns413()
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("scrubber"));
        var big = new string('a', 3 * 1024 * 1024);

        using var response = await client.PostAsync("api/scrub", Json("{\"text\":\"" + big + "\"}"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Messages_Pseudonymize_SameValueSameSurrogateAcrossMessagesAndCalls()
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("scrubber"));
        var body = new
        {
            messages = new[] { new { role = "user", content = $"write to {Email}" }, new { role = "assistant", content = $"ok, {Email} noted" } },
            @operator = "pseudonymize",
            entities = new[] { "EMAIL_ADDRESS" },
        };

        using var first = await client.PostAsJsonAsync("api/scrub", body);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var doc = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        var messages = doc.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!).ToArray();
        Assert.Equal(new[] { "write to <EMAIL_ADDRESS_1>", "ok, <EMAIL_ADDRESS_1> noted" }, messages);
        var session = doc.RootElement.GetProperty("session").GetString();
        Assert.Equal(1, doc.RootElement.GetProperty("findings")[1].GetProperty("message").GetInt32());

        using var second = await client.PostAsJsonAsync("api/scrub", new { text = $"again {Email}, and other@example.net", @operator = "pseudonymize", session });
        using var doc2 = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal("again <EMAIL_ADDRESS_1>, and <EMAIL_ADDRESS_2>", doc2.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Pseudonymize_Fakes_RealisticCardAndEmail_BadFakesRefused()
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("scrubber"));

        using var ok = await client.PostAsJsonAsync("api/scrub", new { text = $"mail {Email} card {Card}", @operator = "pseudonymize", fakes = new[] { "EMAIL_ADDRESS", "CREDIT_CARD" } });
        using var wrongOperator = await client.PostAsJsonAsync("api/scrub", new { text = "x", @operator = "redact", fakes = "all" });
        using var unknownType = await client.PostAsJsonAsync("api/scrub", new { text = "x", @operator = "pseudonymize", fakes = new[] { "NOPE" } });

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var doc = JsonDocument.Parse(await ok.Content.ReadAsStringAsync());
        var text = doc.RootElement.GetProperty("text").GetString()!;
        Assert.Matches(@"^mail [^ <>]+@example\.(com|org|net) card 4\d{3} ?\d{4} ?\d{4} ?\d{4}$", text);
        Assert.DoesNotContain(Email, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, wrongOperator.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownType.StatusCode);
    }

    [Fact]
    public async Task Scrub_NeverLogsOrStoresTheScrubbedValues()
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("scrubber"));

        using var ok = await client.PostAsJsonAsync("api/scrub", new { text = $"{Email} {Card}", @operator = "hash" });
        using var bad = await client.PostAsync("api/scrub", Json($"{{\"text\":\"{Email}\",\"entities\":[\"{Email}\"]}}"));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = await ok.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Email, body, StringComparison.Ordinal);
        Assert.Contains("<EMAIL_ADDRESS:hmac:", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.DoesNotContain(Email, await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(Email, gw.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, gw.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(Card.Replace(" ", string.Empty, StringComparison.Ordinal), gw.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(Email, gw.ReadAllDataFiles(), StringComparison.Ordinal);
    }
}
