using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Warden.Cli;
using Warden.Core.Audit;
using Warden.Gateway.Audit;
using Warden.Gateway.Tests.Infrastructure;

namespace Warden.Gateway.Tests.Audit;

public sealed class AuditGatewayTests
{
    [Fact]
    public async Task Lifecycle_StartAndStop_RecordedAndChainVerifies()
    {
        var dir = Path.Combine(Path.GetTempPath(), "warden-gw-audit-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var gw = await GatewayFixture.StartAsync(dataDirectory: dir))
            {
                Assert.IsType<HashChainAuditTrail>(gw.App.Services.GetRequiredService<IAuditTrail>());
            }

            SqliteConnection.ClearAllPools();
            var (code, output, error) = await RunCliAsync("audit", "verify", "--data-dir", dir);
            Assert.True(code == 0, error);
            var (_, export, _) = await RunCliAsync("audit", "export", "--data-dir", dir);
            var types = export.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("record").GetProperty("type").GetString()).ToList();
            Assert.Equal("gateway.start", types[0]);
            Assert.Equal("gateway.stop", types[^1]);
            Assert.Contains("ok:", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task BadCredential_Rejected_AuditedWithRequestIdBeforeAnswer()
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var client = gw.CreateClient("wk_agent_not-a-real-key");
        using var response = await client.PostAsync("v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues(WardenAuditMiddleware.RequestIdHeader));

        var store = gw.App.Services.GetRequiredService<IAuditStore>();
        var rows = await store.QueryAsync(new AuditQuery { Type = "gateway.rejected" }, default);
        var record = AuditCanonicalJson.Parse(Assert.Single(rows));
        Assert.Equal(401, record.Event.Status);
        Assert.Equal("deny", record.Event.Decision);
        Assert.Equal(requestId, record.Event.Attributes!["request_id"]);
        Assert.Equal("warden_unauthorized", record.Event.Attributes["error_code"]);
    }

    [Fact]
    public async Task AuditApi_AdminFilters_AgentForbidden_BadQuery400()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agentKey = await gw.CreateAgentKeyAsync("reader");
        using var admin = gw.CreateClient(gw.Info.NewAdminKey);
        using var agent = gw.CreateClient(agentKey);

        using var page = JsonDocument.Parse(await admin.GetStringAsync("api/audit?type=gateway.start"));
        var records = page.RootElement.GetProperty("records");
        Assert.Equal(1, records.GetArrayLength());
        Assert.Equal(1, records[0].GetProperty("sequence").GetInt64());
        Assert.Equal("gateway.start", records[0].GetProperty("event").GetProperty("type").GetString());
        Assert.Equal(64, records[0].GetProperty("hash").GetString()!.Length);

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("api/audit")).StatusCode);
        using var bad = await admin.GetAsync("api/audit?limit=5000");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("api/audit?from=notatime")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("api/audit?bogus=1")).StatusCode);

        // The forbidden agent call and the admin reads are themselves in the trail.
        using var denied = JsonDocument.Parse(await admin.GetStringAsync("api/audit?decision=deny"));
        Assert.Contains(denied.RootElement.GetProperty("records").EnumerateArray(), r => r.GetProperty("event").GetProperty("status").GetInt32() == 403);
        using var paged = JsonDocument.Parse(await admin.GetStringAsync("api/audit?limit=1"));
        Assert.Equal(1, paged.RootElement.GetProperty("next").GetInt64());
    }

    [Fact]
    public async Task StoreUnwritable_JournalOff_FirstRequestFailsClosed()
    {
        await using var gw = await GatewayFixture.StartAsync(new Dictionary<string, string?> { ["Warden:Audit:Journal"] = "false" });
        using var admin = gw.CreateClient(gw.Info.NewAdminKey);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("api/audit?limit=1")).StatusCode);
        BreakAuditInserts(gw);

        var (status, _) = await TryGetAsync(admin, "api/audit?limit=1");
        Assert.True(status is null || status >= 400, $"expected failure, got {status}");
        Assert.Contains("fail closed", gw.Logs.AllText, StringComparison.Ordinal);
    }

    /// <summary>
    /// With the append journal (the default) a request is acknowledged once its record is in the journal; a SQLite that
    /// stopped taking records is found by the next fold (within one fold interval), and from then on requests fail
    /// closed. Every request acknowledged in between is durable: once SQLite takes records again they are all in it.
    /// </summary>
    [Fact]
    public async Task StoreUnwritable_Journal_FailsClosedWithinTheFoldWindowAndLosesNothingAcknowledged()
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var admin = gw.CreateClient(gw.Info.NewAdminKey);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("api/audit?limit=1")).StatusCode);
        BreakAuditInserts(gw);

        var acknowledged = new List<string>();
        var failed = false;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!failed && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            var (status, requestId) = await TryGetAsync(admin, "api/audit?limit=1");
            if (status is >= 200 and < 300)
            {
                acknowledged.Add(requestId!);
            }
            else
            {
                failed = true;
            }
        }

        Assert.True(failed, $"no request failed closed in 10 s ({acknowledged.Count} acknowledged)");
        Assert.Contains("fail closed", gw.Logs.AllText, StringComparison.Ordinal);

        // Repair SQLite: the fold's retry (back-off up to 1 s) commits what the journal acknowledged, and requests succeed again.
        using (var c = new SqliteConnection($"Data Source={Path.Combine(gw.DataDirectory, AuditStoreHandle.DatabaseFileName)}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DROP TRIGGER audit_block";
            cmd.ExecuteNonQuery();
        }

        string? body = null;
        while (body is null && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            using var response = await admin.GetAsync("api/audit?type=admin.request&limit=1000");
            if (response.IsSuccessStatusCode)
            {
                body = await response.Content.ReadAsStringAsync();
            }
            else
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(body);
        foreach (var id in acknowledged)
        {
            Assert.Contains(id, body, StringComparison.Ordinal);
        }
    }

    private static void BreakAuditInserts(GatewayFixture gw)
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(gw.DataDirectory, AuditStoreHandle.DatabaseFileName)}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "CREATE TRIGGER audit_block BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'unwritable'); END;";
        cmd.ExecuteNonQuery();
    }

    /// <summary>The status and request id of a GET, or a null status when the connection was aborted (no answer: failing closed).</summary>
    private static async Task<(int? Status, string? RequestId)> TryGetAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path);
            var id = response.Headers.TryGetValues(WardenAuditMiddleware.RequestIdHeader, out var ids) ? ids.FirstOrDefault() : null;
            return ((int)response.StatusCode, id);
        }
        catch (HttpRequestException)
        {
            return (null, null);
        }
    }

    [Fact]
    public async Task DefaultDurability_Request_AcknowledgedFromTheJournalAndQueryable()
    {
        await using var gw = await GatewayFixture.StartAsync();
        Assert.True(File.Exists(Path.Combine(gw.DataDirectory, AuditStoreHandle.DatabaseFileName + AuditStoreHandle.JournalSuffix)));
        var store = Assert.IsType<Warden.Storage.Sqlite.Audit.SqliteAuditStore>(gw.App.Services.GetRequiredService<IAuditStore>());
        using var client = gw.CreateClient("wk_agent_not-a-real-key");
        using var response = await client.PostAsync("v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));
        var requestId = Assert.Single(response.Headers.GetValues(WardenAuditMiddleware.RequestIdHeader));
        var rows = await store.QueryAsync(new AuditQuery { Type = "gateway.rejected" }, default); // folds what the journal holds first
        Assert.Equal(requestId, AuditCanonicalJson.Parse(Assert.Single(rows)).Event.Attributes!["request_id"]);
        Assert.Equal(0, store.UnfoldedCount);
    }

    internal static async Task<(int Code, string Out, string Error)> RunCliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext(TextReader.Null, stdout, stderr, CancellationToken.None));
        return (code, stdout.ToString(), stderr.ToString());
    }
}
