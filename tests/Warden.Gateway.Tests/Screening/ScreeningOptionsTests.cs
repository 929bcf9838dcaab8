using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Screening;
using Warden.Gateway.Hosting;
using Warden.Gateway.Screening;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Screening;

public sealed class ScreeningOptionsTests
{
    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(ScreeningOptions.SectionName);

    [Fact]
    public void Bind_EveryKey_BindsSnapshot()
    {
        var o = ScreeningOptions.Bind(Section(new()
        {
            ["Warden:Screening:Threshold"] = "0.7",
            ["Warden:Screening:DefaultMode"] = "delimit",
            ["Warden:Screening:AllowedHosts:0"] = "cdn.example.com",
            ["Warden:Screening:AllowedHosts:1"] = ".images.example.org",
            ["Warden:Screening:MaxContentChars"] = "5000",
            ["Warden:Screening:MaxDecodedBlobChars"] = "1024",
        }));
        Assert.Equal(0.7, o.Threshold);
        Assert.Equal(SpotlightMode.Delimit, o.DefaultMode);
        Assert.Equal(["cdn.example.com", ".images.example.org"], o.AllowedHosts);
        Assert.Equal(5000, o.MaxContentChars);
        Assert.Equal(1024, o.Sanitizer.MaxBlobChars);
        Assert.Equal(0.7, o.Detector.Threshold);
    }

    [Fact]
    public void Bind_MissingSection_GivesDefaults()
    {
        Assert.Equal(new ScreeningOptions().Threshold, ScreeningOptions.Bind(Section([])).Threshold);
    }

    [Fact]
    public void Bind_SeveralBadKeys_ThrowsListingEveryProblem()
    {
        var ex = Assert.Throws<WardenConfigurationException>(() => ScreeningOptions.Bind(Section(new()
        {
            ["Warden:Screening:Threshold"] = "1.5",
            ["Warden:Screening:DefaultMode"] = "shout",
            ["Warden:Screening:AllowedHosts:0"] = "https://evil.example.com/x",
            ["Warden:Screening:MaxDecodedBlobChars"] = "lots",
        })));
        Assert.Contains("Threshold", ex.Message);
        Assert.Contains("DefaultMode", ex.Message);
        Assert.Contains("AllowedHosts", ex.Message);
        Assert.Contains("MaxDecodedBlobChars", ex.Message);
    }

    [Fact]
    public async Task Gateway_InvalidScreeningSettings_FailsStart()
    {
        var ex = await Assert.ThrowsAsync<WardenConfigurationException>(() => GatewayFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Warden:Screening:Threshold"] = "0",
        }));
        Assert.Contains("Warden:Screening", ex.Message);
    }

    [Fact]
    public async Task Gateway_Reload_AppliesGoodSettingsAndKeepsLastGoodOnBadOnes()
    {
        await using var gw = await GatewayFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Warden:Screening:Threshold"] = "0.9",
            ["Warden:Screening:DefaultMode"] = "delimit",
            ["Warden:Screening:AllowedHosts:0"] = "cdn.example.com",
        });
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("screener"));
        const string Page = "![a](https://cdn.example.com/p.png?id=123456) ![b](https://other.example.net/p.png?id=123456)";

        var first = await ScreenAsync(client, Page);
        Assert.Equal(0.9, first.GetProperty("threshold").GetDouble());
        Assert.Equal("delimit", first.GetProperty("spotlight_mode").GetString());
        Assert.Contains("cdn.example.com/p.png?id=123456", first.GetProperty("sanitized_content").GetString()!, StringComparison.Ordinal);
        Assert.DoesNotContain("other.example.net/p.png", first.GetProperty("sanitized_content").GetString()!, StringComparison.Ordinal);

        var config = (IConfigurationRoot)gw.App.Services.GetRequiredService<IConfiguration>();
        config["Warden:Screening:Threshold"] = "0.3";
        config["Warden:Screening:AllowedHosts:0"] = "other.example.net";
        config.Reload();
        var second = await WaitForAsync(client, Page, r => r.GetProperty("threshold").GetDouble() == 0.3);
        Assert.Contains("other.example.net/p.png?id=123456", second.GetProperty("sanitized_content").GetString()!, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.example.com/p.png", second.GetProperty("sanitized_content").GetString()!, StringComparison.Ordinal);

        config["Warden:Screening:Threshold"] = "7";
        config.Reload();
        Assert.Contains(gw.Logs.Lines, l => l.Contains("[7003]", StringComparison.Ordinal) && l.Contains("Threshold", StringComparison.Ordinal));
        var third = await ScreenAsync(client, Page);
        Assert.Equal(0.3, third.GetProperty("threshold").GetDouble());
        Assert.Contains("other.example.net/p.png?id=123456", third.GetProperty("sanitized_content").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFile_UnparsableReload_ScreeningKeepsLastGoodSettings()
    {
        var dir = Directory.CreateTempSubdirectory("warden-screen-reload-").FullName;
        try
        {
            var path = Path.Combine(dir, "warden.json");
            await WriteAsync(path, """{"Warden":{"Screening":{"Threshold":0.8}}}""");
            await using var gw = await GatewayFixture.StartAsync(configuration: c => c.AddWatchedJsonFile(path));
            using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("screener"));
            Assert.Equal(0.8, (await ScreenAsync(client, "hello")).GetProperty("threshold").GetDouble());

            await WriteAsync(path, """{"Warden":{"Screening":{"Threshold":0.65}}}""");
            await WaitForAsync(client, "hello", r => r.GetProperty("threshold").GetDouble() == 0.65);
            Assert.Equal(0.65, (await ScreenAsync(client, "hello")).GetProperty("threshold").GetDouble());

            await WriteAsync(path, """{"Warden":{"Screening":{ this is not json""");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!gw.Logs.AllText.Contains("[7003]", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50);
            }

            Assert.Contains("[7003]", gw.Logs.AllText, StringComparison.Ordinal);
            Assert.Equal(0.65, (await ScreenAsync(client, "hello")).GetProperty("threshold").GetDouble());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task WriteAsync(string path, string json)
    {
        var tmp = path + ".tmp";
        await File.WriteAllTextAsync(tmp, json);
        File.Move(tmp, path, overwrite: true);
    }

    private static async Task<JsonElement> ScreenAsync(HttpClient client, string content)
    {
        using var response = await client.PostAsJsonAsync("api/screen", new { content, content_type = "markdown" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string content, Func<JsonElement, bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var r = await ScreenAsync(client, content);
            if (done(r) || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                return r;
            }

            await Task.Delay(50);
        }
    }
}
