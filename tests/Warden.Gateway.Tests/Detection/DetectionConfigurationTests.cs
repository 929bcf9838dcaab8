using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Warden.Gateway.Hosting;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Detection;

/// <summary>Custom recognizers, lists and fakes come from configuration with no code change; a bad section stops start-up.</summary>
public sealed class DetectionConfigurationTests
{
    private static Dictionary<string, string?> EmployeeIdRecognizer => new()
    {
        ["Warden:Detection:CustomRecognizers:0:Name"] = "employee-id",
        ["Warden:Detection:CustomRecognizers:0:EntityType"] = "EMPLOYEE_ID",
        ["Warden:Detection:CustomRecognizers:0:Pattern"] = @"\bEMP-[0-9]{6}\b",
        ["Warden:Detection:CustomRecognizers:0:Score"] = "0.8",
        ["Warden:Detection:AllowList:0"] = "support@example.com",
    };

    [Fact]
    public async Task CustomRecognizerFromConfig_FoundByScrub_AllowListHonoured()
    {
        await using var gw = await GatewayFixture.StartAsync(EmployeeIdRecognizer);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("scrubber"));
        using var response = await client.PostAsJsonAsync("api/scrub", new { text = "Ticket for EMP-123456, cc support@example.com and ann@example.org" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Ticket for <EMPLOYEE_ID>, cc support@example.com and <EMAIL_ADDRESS>", doc.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task FakeTypesFromConfig_ProxyScrubSendsRealisticFake_AndRestores()
    {
        await using var openai = await FakeProvider.StartAsync("openai");
        var settings = ProxySettings.For(openai);
        settings["Warden:Pseudonymization:FakeTypes:0"] = "EMAIL_ADDRESS";
        await using var gw = await GatewayFixture.StartAsync(settings);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        openai.AnswerText = "noted";
        using var response = await client.PostAsJsonAsync("api/proxy", new
        {
            provider = "openai", model = "gpt-4o-mini", scrub = true,
            messages = new[] { new { role = "user", content = "write to ann.lee@corp-mail.org" } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = openai.Requests.Single().Body;
        Assert.DoesNotContain("ann.lee@corp-mail.org", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("<EMAIL_ADDRESS", sent, StringComparison.Ordinal); // a fake of the same shape, not a token
        Assert.Matches(@"[a-z]+\.[a-z]+@example\.(com|org|net)", sent);
    }

    [Theory]
    [InlineData("Warden:Detection:CustomRecognizers:0:Pattern", @"(a)\1", "CustomRecognizers[0]")] // backreference: no linear-time form
    [InlineData("Warden:Detection:MinScore", "1.5", "MinScore")]
    [InlineData("Warden:Detection:CustomRecognisers:0:Name", "typo", "CustomRecognisers")] // unknown key, not silently ignored
    [InlineData("Warden:Pseudonymization:FakeTypes:0", "email", "FakeTypes")]
    [InlineData("Warden:Scrub:MaxMessages", "0", "MaxMessages")]
    public async Task BadDetectionSection_StartRefused_NamingTheProblem(string key, string value, string expected)
    {
        var settings = EmployeeIdRecognizer;
        settings[key] = value;
        var ex = await Assert.ThrowsAsync<WardenConfigurationException>(() => GatewayFixture.StartAsync(settings));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
