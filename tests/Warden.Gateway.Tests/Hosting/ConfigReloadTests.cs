using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Warden.Gateway.Hosting;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Hosting;

/// <summary>Providers and model aliases hot-reload from a watched JSON file; a bad file keeps the last good configuration.</summary>
public sealed class ConfigReloadTests : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("warden-reload-").FullName;

    private string ConfigPath => Path.Combine(_dir, "warden.json");

    [Fact]
    public async Task ConfigFile_ProviderAdded_NewModelRoutesWithoutRestart()
    {
        await using var a = await FakeProvider.StartAsync("openai");
        await using var b = await FakeProvider.StartAsync("openai");
        await WriteConfigAsync(Providers(("a", a, "model-a")));
        await using var gw = await StartAsync();
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("agent"));

        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(client, "model-a")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ChatAsync(client, "model-b")).StatusCode);

        await WriteConfigAsync(Providers(("a", a, "model-a"), ("b", b, "model-b")));
        await WaitForLogAsync(gw, "Configuration reloaded: 2 providers");

        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(client, "model-b")).StatusCode);
        Assert.Single(b.Requests);
        Assert.Contains("model-b", await client.GetStringAsync("v1/models"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Warden":{"Providers":{"a":{"Type":"no-such-type","BaseUrl":"http://127.0.0.1:1/v1"}}}}""", "Type 'no-such-type'")]
    [InlineData("""{"Warden":{"Providers":{"a":{"Type":"openai","BaseUrl":"https://evil.example/v1"}}}}""", "outside Warden:EgressAllowlist")]
    [InlineData("""{"Warden":{"Providers":{"a":{ this is not json""", "could not be parsed")]
    public async Task ConfigFile_InvalidReload_LastGoodConfigStays(string badFile, string expectedError)
    {
        await using var a = await FakeProvider.StartAsync("openai");
        await WriteConfigAsync(Providers(("a", a, "model-a")));
        await using var gw = await StartAsync();
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("agent"));

        await File.WriteAllTextAsync(ConfigPath, badFile);
        await WaitForLogAsync(gw, expectedError);

        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(client, "model-a")).StatusCode);
        Assert.Single(a.Requests);
        Assert.DoesNotContain("Configuration reloaded", gw.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFile_RestartOnlySettingChanged_NamedAndKept()
    {
        await using var a = await FakeProvider.StartAsync("openai");
        await WriteConfigAsync(Providers(("a", a, "model-a")));
        await using var gw = await StartAsync();
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("agent"));

        await WriteConfigAsync(Providers(("a", a, "model-a")).Replace("\"Providers\"", "\"MaxRequestBodyBytes\":2048,\"Providers\"", StringComparison.Ordinal));
        await WaitForLogAsync(gw, "MaxRequestBodyBytes take effect only after a restart");

        var big = new string('x', 8192);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(client, "model-a", big)).StatusCode);
    }

    [Fact]
    public async Task DefaultAppSettings_ReplacedByPolledSource_ReloadsFromContentRoot()
    {
        var path = Path.Combine(_dir, "appsettings.json");
        await File.WriteAllTextAsync(path, """{"Warden":{"MaxAttempts":"2"}}""");
        var manager = new ConfigurationManager();
        manager.AddJsonFile("appsettings.json", optional: true, reloadOnChange: false); // what the host adds, relative to its content root
        WatchedJsonFile.ReplaceDefaultAppSettings(manager, _dir);
        Assert.Equal("2", manager["Warden:MaxAttempts"]);

        await File.WriteAllTextAsync(path, """{"Warden":{"MaxAttempts":"3"}}""");
        for (var i = 0; i < 400 && manager["Warden:MaxAttempts"] != "3"; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal("3", manager["Warden:MaxAttempts"]);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private Task<GatewayFixture> StartAsync() => GatewayFixture.StartAsync(
        new Dictionary<string, string?> { ["Warden:EgressAllowlist:0"] = "127.0.0.1" },
        configuration: c => c.AddWatchedJsonFile(ConfigPath));

    private static string Providers(params (string Name, FakeProvider Fake, string Model)[] providers)
    {
        var entries = providers.Select(p =>
            $$"""  "{{p.Name}}": { "Type": "openai", "BaseUrl": "{{p.Fake.BaseUrl}}/v1", "ApiKey": "sk-test-{{p.Name}}", "Models": ["{{p.Model}}"] }""");
        return "{ \"Warden\": { \"Providers\": {\n" + string.Join(",\n", entries) + "\n} } }";
    }

    private async Task WriteConfigAsync(string json)
    {
        // Write then rename, as editors and config-management tools do, so the watcher never sees half a file.
        var tmp = ConfigPath + ".tmp";
        await File.WriteAllTextAsync(tmp, json);
        File.Move(tmp, ConfigPath, overwrite: true);
    }

    private static Task<HttpResponseMessage> ChatAsync(HttpClient client, string model, string text = "hi") =>
        client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{text}}"}]}""", Encoding.UTF8, "application/json"));

    private static async Task WaitForLogAsync(GatewayFixture gw, string text)
    {
        for (var i = 0; i < 400; i++)
        {
            if (gw.Logs.AllText.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"no log containing '{text}' within 20 s; logs:\n{gw.Logs.AllText}");
    }
}
