using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Warden.Cli.Doctor;
using Warden.Gateway.Hosting;

namespace Warden.Cli.Tests.Doctor;

public sealed class DoctorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-doctor-" + Guid.NewGuid().ToString("N"));
    private readonly HttpMessageInvoker _http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });

    public DoctorTests() => Directory.CreateDirectory(_dir);

    private string ConfigFile => Path.Combine(_dir, "appsettings.json");

    private string DataDir => Path.Combine(_dir, "data");

    private async Task<Dictionary<string, DoctorResult>> RunAsync(string configJson, Uri? instance = null, Action? prepare = null)
    {
        await File.WriteAllTextAsync(ConfigFile, configJson.Replace("$DATA", DataDir.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal));
        prepare?.Invoke();
        var context = DoctorContext.Load(ConfigFile, null, instance, _http);
        var results = await DoctorChecks.RunAsync(context, DoctorChecks.All, CancellationToken.None);
        return results.ToDictionary(r => r.CheckId);
    }

    private const string GoodConfig = """{"Warden":{"Urls":"http://127.0.0.1:0","DataDirectory":"$DATA"}}""";

    /// <summary>Creates the data directory the way 'warden serve' does: start the real gateway once.</summary>
    private async Task<WebApplication> StartRealGatewayAsync()
    {
        var app = WardenGatewayHost.Create([], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Warden:Urls"] = "http://127.0.0.1:0", ["Warden:DataDirectory"] = DataDir });
            b.Logging.ClearProviders();
        });
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task CorrectlyConfiguredWarden_AndItsRunningInstance_HaveNoFailure()
    {
        await using var app = await StartRealGatewayAsync();
        var url = new Uri(app.Urls.First().TrimEnd('/') + "/");
        var results = await RunAsync(GoodConfig, url);

        Assert.DoesNotContain(results.Values, r => r.Status == DoctorStatus.Fail);
        foreach (var id in new[] { "config", "bind-address", "tls", "admin-key", "provider-keys", "instance-health", "instance-auth", "instance-origin" })
        {
            Assert.Equal(DoctorStatus.Pass, results[id].Status);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(DoctorStatus.Pass, results["data-dir-permissions"].Status);
        }

        Assert.Equal(DoctorStatus.Pass, results["audit-chain"].Status);
    }

    [Fact]
    public async Task ProviderKeyStoredInClearText_FailsProviderKeys()
    {
        await (await StartRealGatewayAsync()).DisposeAsync();
        var results = await RunAsync(GoodConfig);
        Assert.Equal(DoctorStatus.Pass, results["provider-keys"].Status);

        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={WardenPaths.Database(DataDir)};Pooling=false"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE IF NOT EXISTS provider_keys (provider TEXT PRIMARY KEY, protected_key TEXT NOT NULL, updated_at TEXT NOT NULL);
                INSERT INTO provider_keys VALUES ('openai', 'sk-plaintext-canary-0001', '2026-01-01');
                """;
            cmd.ExecuteNonQuery();
        }

        results = await RunAsync(GoodConfig);
        Assert.Equal(DoctorStatus.Fail, results["provider-keys"].Status);
        Assert.Contains("openai", results["provider-keys"].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-plaintext-canary-0001", results["provider-keys"].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRing_WithoutKek_Warns_WithKek_Passes()
    {
        await (await StartRealGatewayAsync()).DisposeAsync();
        var results = await RunAsync(GoodConfig);
        Assert.Equal(DoctorStatus.Warn, results["key-ring"].Status);
        Assert.Contains("file permissions only", results["key-ring"].Message, StringComparison.Ordinal);

        // Old keys in clear next to a KEK still warn; once only wrapped keys remain, the check passes.
        var kek = Path.Combine(_dir, "kek");
        await File.WriteAllTextAsync(kek, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var withKek = GoodConfig.Replace("\"}}", "\",\"KeyEncryptionKeyFile\":\"" + kek + "\"}}", StringComparison.Ordinal);
        Assert.Equal(DoctorStatus.Warn, (await RunAsync(withKek))["key-ring"].Status);

        Directory.Delete(WardenPaths.KeyRing(DataDir), recursive: true);
        File.Delete(Path.Combine(DataDir, "keyring-probe"));
        _ = Gateway.Providers.WardenDataProtection.Create(DataDir, kek);
        var stillClear = (await RunAsync(withKek))["key-ring"];
        Assert.Equal(DoctorStatus.Warn, stillClear.Status);
        Assert.Contains("audit-signing-key.pem", stillClear.Message, StringComparison.Ordinal);

        using (Core.Audit.AuditSigningKey.LoadOrCreate(DataDir, Gateway.Providers.KeyEncryptionKey.Load(kek)))
        {
            _ = Core.Audit.AuditContentKeys.LoadOrCreate(DataDir, Gateway.Providers.KeyEncryptionKey.Load(kek));
        }

        Assert.Equal(DoctorStatus.Pass, (await RunAsync(withKek))["key-ring"].Status);
    }

    [Fact]
    public async Task TamperedAuditRecord_FailsAuditChain_NamingTheRecord()
    {
        await (await StartRealGatewayAsync()).DisposeAsync();
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(DataDir, "audit.db")};Pooling=false"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "UPDATE audit_records SET body = CAST(REPLACE(CAST(body AS TEXT), 'gateway.start', 'gateway.strt') AS BLOB) WHERE seq = 1";
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }

        var results = await RunAsync(GoodConfig);
        Assert.Equal(DoctorStatus.Fail, results["audit-chain"].Status);
        Assert.Contains("record 1", results["audit-chain"].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainHttpBeyondLoopback_FailsBindAddressAndTls()
    {
        var results = await RunAsync("""{"Warden":{"Urls":"http://0.0.0.0:8080","DataDirectory":"$DATA"}}""");
        Assert.Equal(DoctorStatus.Fail, results["bind-address"].Status);
        Assert.Contains("http://0.0.0.0:8080", results["bind-address"].Message, StringComparison.Ordinal);
        Assert.Equal(DoctorStatus.Fail, results["tls"].Status);
    }

    [Fact]
    public async Task HttpsWithoutCertificate_FailsTls()
    {
        var results = await RunAsync("""{"Warden":{"Urls":"https://0.0.0.0:8443","DataDirectory":"$DATA"}}""");
        Assert.Equal(DoctorStatus.Pass, results["bind-address"].Status);
        Assert.Equal(DoctorStatus.Fail, results["tls"].Status);
        Assert.Contains("Kestrel:Certificates:Default:Path", results["tls"].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoDatabase_FailsAdminKey()
    {
        var results = await RunAsync(GoodConfig);
        Assert.Equal(DoctorStatus.Fail, results["admin-key"].Status);
        Assert.Contains("no admin key", results["admin-key"].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderKeyInConfigFile_FailsProviderKeys()
    {
        var results = await RunAsync("""{"Warden":{"Urls":"http://127.0.0.1:0","DataDirectory":"$DATA","EgressAllowlist":["api.openai.com"],"Providers":{"openai":{"Type":"openai","ApiKey":"sk-canary-doctor-0001","Agents":["bot"]}}}}""");
        Assert.Equal(DoctorStatus.Fail, results["provider-keys"].Status);
        Assert.Contains("openai", results["provider-keys"].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-canary-doctor-0001", string.Join(" ", results.Values.Select(r => r.Message + r.Fix)), StringComparison.Ordinal);
    }

    /// <summary>Creates the data directory with <paramref name="mode"/> (no Unix modes on Windows).</summary>
    private void DataDirWithMode(UnixFileMode mode)
    {
        Directory.CreateDirectory(DataDir);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(DataDir, mode);
        }
    }

    [Fact]
    public async Task WorldReadableDataDirectory_FailsPermissions()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var results = await RunAsync(GoodConfig, prepare: () => DataDirWithMode(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute));
        Assert.Equal(DoctorStatus.Fail, results["data-dir-permissions"].Status);
        Assert.Contains("0755", results["data-dir-permissions"].Message, StringComparison.Ordinal);
        Assert.Contains("chmod", results["data-dir-permissions"].Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataDirectory_DanglingSymlinkAndGroupWritableFile_ReportsTheFileAndDoesNotCrash()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var results = await RunAsync(GoodConfig, prepare: () =>
        {
            DataDirWithMode(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            File.CreateSymbolicLink(Path.Combine(DataDir, "dangling"), Path.Combine(DataDir, "no-such-target"));
            var loose = Path.Combine(DataDir, "loose.txt");
            File.WriteAllText(loose, "x");
            File.SetUnixFileMode(loose, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite);
        });
        Assert.Equal(DoctorStatus.Fail, results["data-dir-permissions"].Status);
        Assert.Contains("loose.txt (0620)", results["data-dir-permissions"].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dangling", results["data-dir-permissions"].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyDefaultAllow_FailsPolicyDefaultDeny()
    {
        var results = await RunAsync("""{"Warden":{"Urls":"http://127.0.0.1:0","DataDirectory":"$DATA","Policy":{"DefaultEffect":"allow"}}}""");
        Assert.Equal(DoctorStatus.Fail, results["policy-default-deny"].Status);
    }

    [Fact]
    public async Task PolicyPathMissing_FailsPolicyDefaultDeny_AndDefaultConfigPasses()
    {
        var results = await RunAsync("""{"Warden":{"Urls":"http://127.0.0.1:0","DataDirectory":"$DATA","Policy":{"Path":"$DATA/no-such-policy.yaml"}}}""");
        Assert.Equal(DoctorStatus.Fail, results["policy-default-deny"].Status);
        Assert.Contains("no-such-policy.yaml", results["policy-default-deny"].Message, StringComparison.Ordinal);

        results = await RunAsync(GoodConfig);
        Assert.Equal(DoctorStatus.Pass, results["policy-default-deny"].Status);
    }

    [Fact]
    public async Task ProviderOpenToEveryAgent_WarnsPolicy()
    {
        var results = await RunAsync("""{"Warden":{"Urls":"http://127.0.0.1:0","DataDirectory":"$DATA","Demo":true}}""");
        Assert.Equal(DoctorStatus.Warn, results["policy-default-deny"].Status);
        Assert.Contains("echo", results["policy-default-deny"].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidConfiguration_FailsConfig()
    {
        var results = await RunAsync("""{"Warden":{"Urls":"http://127.0.0.1:0","DataDirectory":"$DATA","MaxAttempts":0}}""");
        Assert.Equal(DoctorStatus.Fail, results["config"].Status);
        Assert.Equal(DoctorStatus.NotChecked, results["bind-address"].Status);
    }

    [Fact]
    public async Task InstanceWithOpenEndpointAndCorsWildcard_FailsAuthAndOrigin()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.Use(async (HttpContext ctx, RequestDelegate next) =>
        {
            ctx.Response.Headers.AccessControlAllowOrigin = "*";
            await next(ctx);
        });
        app.MapGet("/healthz", () => "ok");
        app.MapGet("/readyz", () => "ready");
        app.MapGet("/v1/models", () => Results.Json(new { data = Array.Empty<string>() }));
        app.MapMethods("/v1/chat/completions", ["OPTIONS"], () => Results.NoContent());
        await app.StartAsync();

        var results = await RunAsync(GoodConfig, new Uri(app.Urls.First().TrimEnd('/') + "/"));
        Assert.Equal(DoctorStatus.Fail, results["instance-auth"].Status);
        Assert.Contains("GET /v1/models -> 200", results["instance-auth"].Message, StringComparison.Ordinal);
        Assert.Equal(DoctorStatus.Fail, results["instance-origin"].Status);
        Assert.Contains("Access-Control-Allow-Origin *", results["instance-origin"].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DoctorCommand_PrintsFixes_AndExits5OnFailure()
    {
        await File.WriteAllTextAsync(ConfigFile, """{"Warden":{"Urls":"http://0.0.0.0:8080"}}""");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["doctor", "--config", ConfigFile, "--data-dir", DataDir], new CliContext(TextReader.Null, stdout, stderr, CancellationToken.None));
        Assert.Equal(5, exit);
        var text = stdout.ToString();
        Assert.Contains("FAIL  bind-address", text, StringComparison.Ordinal);
        Assert.Contains("fix: ", text, StringComparison.Ordinal);
        Assert.Contains("problem(s) to fix", text, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _http.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
