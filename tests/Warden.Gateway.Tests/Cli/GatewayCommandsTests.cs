using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Warden.Cli;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Cli;

/// <summary><c>warden serve</c>, <c>warden agents</c> and <c>warden providers</c>, run through the real dispatcher.</summary>
public sealed class GatewayCommandsTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext(new StringReader(stdin), output, error, CancellationToken.None));
        return (code, output.ToString(), error.ToString());
    }

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "warden-cli-" + Guid.NewGuid().ToString("N"));

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [Fact]
    public async Task AgentsCreate_PrintsKeyOnce_StoresOnlyHash_RejectsDuplicate()
    {
        var dir = TempDir();
        var (code, output, _) = await RunAsync("", "agents", "create", "build-bot", "--data-dir", dir);
        Assert.Equal(0, code);
        var key = Regex.Match(output, "wdn_agent_[A-Za-z0-9_-]{43}").Value;
        Assert.NotEmpty(key);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var db = string.Concat(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(f => File.ReadAllText(f, Encoding.Latin1)));
        Assert.Contains(Warden.Core.Identity.ApiKeys.Hash(key), db, StringComparison.Ordinal);
        Assert.DoesNotContain(key, db, StringComparison.Ordinal);

        var again = await RunAsync("", "agents", "create", "build-bot", "--data-dir", dir);
        Assert.NotEqual(0, again.Code);
        Assert.Contains("already exists", again.Err, StringComparison.Ordinal);
        var list = await RunAsync("", "agents", "list", "--data-dir", dir);
        Assert.Contains("build-bot", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_BadFlag_OneLineErrorNonZero()
    {
        var (code, _, err) = await RunAsync("", "serve", "--nope");
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        var bad = await RunAsync("", "serve", "--urls", "ftp://x", "--data-dir", TempDir());
        Assert.Equal(2, bad.Code);
        Assert.Contains("Warden:Urls", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_Demo_PrintsAdminKeyDemoKeyAndCurl_AndAnswers()
    {
        var dir = TempDir();
        var port = FreePort();
        var output = new StringWriter();
        using var cts = new CancellationTokenSource();
        var run = CliApp.RunAsync(["serve", "--demo", "--urls", $"http://127.0.0.1:{port}", "--data-dir", dir],
            new CliContext(new StringReader(""), TextWriter.Synchronized(output), TextWriter.Null, cts.Token));
        string text = "";
        for (var i = 0; i < 100 && !text.Contains("curl", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            text = output.ToString();
        }

        try
        {
            Assert.Matches("wdn_admin_[A-Za-z0-9_-]{43}", text);
            var demoKey = Regex.Match(text, "wdn_agent_[A-Za-z0-9_-]{43}").Value;
            Assert.Contains("curl", text, StringComparison.Ordinal);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", demoKey);
            using var response = await client.PostAsync("v1/chat/completions", new StringContent(
                """{"model":"echo","messages":[{"role":"user","content":"Hello Warden"}]}""", Encoding.UTF8, "application/json"));
            Assert.Contains("echo: Hello Warden", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            cts.Cancel();
            Assert.Equal(0, await run);
        }
    }

    [Fact]
    public async Task ProvidersSetKey_StoresEncrypted_GatewayUsesIt()
    {
        var dir = TempDir();
        var (code, output, _) = await RunAsync(ProxySettings.OpenAIKeyCanary + "\n", "providers", "set-key", "openai", "--data-dir", dir);
        Assert.Equal(0, code);
        Assert.DoesNotContain(ProxySettings.OpenAIKeyCanary, output, StringComparison.Ordinal);

        await using var openai = await FakeProvider.StartAsync("openai");
        var settings = ProxySettings.For(openai);
        settings.Remove("Warden:Providers:openai:ApiKey");
        await using var gw = await GatewayFixture.StartAsync(settings, dataDirectory: dir);
        Assert.DoesNotContain(ProxySettings.OpenAIKeyCanary, gw.ReadAllDataFiles(), StringComparison.Ordinal);
        using var client = gw.CreateClient(await gw.CreateAgentKeyAsync("a"));
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer " + ProxySettings.OpenAIKeyCanary, openai.Requests.Single().Headers["Authorization"]);
    }
}
