using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Warden.Cli;

namespace Warden.Gateway.Tests.Policy;

/// <summary>
/// Stored policy rules through the admin API: validated whole with the files (a bad change is 422 and the last good
/// policy stays), audited as <c>admin.change</c>, applied at once here and on the next request of another replica
/// (two gateways over one PostgreSQL store), in the OpenAPI document, mirrored by <c>warden policy</c>.
/// </summary>
public sealed class PolicyRulesApiTests
{
    private const string Scope = "llm:openai/* data:public";

    [Fact]
    public async Task PutDenyRule_NextRequestDenied_DeleteRestores_AuditedAsAdminChange()
    {
        await using var gw = await PolicyGateway.StartAsync();
        var token = await gw.TokenAsync(Scope);
        using var admin = gw.Gateway.CreateClient(gw.Gateway.Info.NewAdminKey);
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gw, token));

        using var put = await admin.PutAsJsonAsync("admin/policy/rules/no-mini", new { effect = "deny", description = "no mini models", when = "resource.model.endsWith('-mini')" });
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var (status, body) = await ChatWithBodyAsync(gw, token);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("no-mini", body, StringComparison.Ordinal);

        var listed = await admin.GetFromJsonAsync<JsonElement>("admin/policy/rules");
        Assert.Equal("no-mini", listed.GetProperty("rules")[0].GetProperty("id").GetString());
        var shown = await admin.GetFromJsonAsync<JsonElement>("admin/policy");
        Assert.Contains(shown.GetProperty("rules").EnumerateArray(), r => r.GetProperty("id").GetString() == "no-mini" && r.GetProperty("source").GetString() == "api");

        using var update = await admin.PutAsJsonAsync("admin/policy/rules/no-mini", new { effect = "deny", when = "resource.model == 'other'" });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gw, token));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("admin/policy/rules/no-mini")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("admin/policy/rules/no-mini")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gw, token));

        var changes = await gw.RecordsAsync("admin.change");
        var ruleChanges = changes.Where(c => c.Attributes!["target"] == "policy_rule").Select(c => c.Attributes!["operation"]).ToList();
        Assert.Equal(["create", "update", "delete"], ruleChanges);
        Assert.All(changes.Where(c => c.Attributes!["target"] == "policy_rule"), c => Assert.Equal("no-mini", c.Attributes!["id"]));
        var generic = await gw.RecordsAsync("admin.request");
        Assert.DoesNotContain(generic, r => r.Action!.Contains("/admin/policy/rules/{id}", StringComparison.Ordinal) && r.Action.StartsWith("PUT", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"effect":"deny","when":"resource.model.endsWith("}""", "rule 'bad'")]
    [InlineData("""{"effect":"permit"}""", "effect must be")]
    [InlineData("""{"effect":"deny","when":"principal.password == 'x'"}""", "password")]
    [InlineData("""{"effect":"redact"}""", "redact")]
    [InlineData("""{"effect":"deny","audit_failure":"open"}""", "audit_failure")]
    public async Task BadRule_422ProblemNamingTheError_LastGoodPolicyStays(string json, string expected)
    {
        await using var gw = await PolicyGateway.StartAsync();
        var token = await gw.TokenAsync(Scope);
        using var admin = gw.Gateway.CreateClient(gw.Gateway.Info.NewAdminKey);
        var before = (await admin.GetFromJsonAsync<JsonElement>("admin/policy")).GetProperty("version").GetString();
        using var put = await admin.PutAsync("admin/policy/rules/bad", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await admin.GetFromJsonAsync<JsonElement>("admin/policy")).GetProperty("version").GetString());
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>("admin/policy/rules")).GetProperty("rules").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gw, token));
        Assert.DoesNotContain(await gw.RecordsAsync("admin.change"), c => c.Attributes!["target"] == "policy_rule");
    }

    [Fact]
    public async Task RuleIdUsedByFile_Rejected()
    {
        await using var gw = await PolicyGateway.StartAsync();
        using var admin = gw.Gateway.CreateClient(gw.Gateway.Info.NewAdminKey);
        using var put = await admin.PutAsJsonAsync("admin/policy/rules/allow-chat", new { effect = "deny" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, put.StatusCode);
        Assert.Contains("duplicate", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoPolicyFile_StoredRulesAlone_BecomeThePolicy_AgentForbiddenOnAdminApi()
    {
        await using var gw = await PolicyGateway.StartAsync(policy: "");
        var token = await gw.TokenAsync(Scope);
        using var admin = gw.Gateway.CreateClient(gw.Gateway.Info.NewAdminKey);
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gw, token)); // provider allow-list default
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync("admin/policy/rules/only-anthropic", new { effect = "allow", when = "resource.provider == 'anthropic'" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await ChatAsync(gw, token)); // default deny now: nothing allows openai
        using var agent = gw.Gateway.CreateClient(gw.AgentKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync("admin/policy/rules/x", new { effect = "allow" })).StatusCode);
    }

    [Fact]
    public async Task OpenApi_DocumentsRuleAgentAndProviderEndpoints()
    {
        await using var gw = await PolicyGateway.StartAsync();
        using var admin = gw.Gateway.CreateClient(gw.Gateway.Info.NewAdminKey);
        var doc = await admin.GetFromJsonAsync<JsonElement>("admin/openapi/admin.json");
        var paths = doc.GetProperty("paths");
        foreach (var p in new[] { "/admin/policy/rules", "/admin/policy/rules/{id}", "/admin/agents", "/admin/agents/{id}", "/admin/providers", "/admin/providers/{name}/key", "/admin/revocations", "/admin/users" })
        {
            Assert.True(paths.TryGetProperty(p, out _), p);
        }

        Assert.True(paths.GetProperty("/admin/policy/rules/{id}").TryGetProperty("put", out _));
        Assert.True(paths.GetProperty("/admin/policy/rules/{id}").TryGetProperty("delete", out _));
    }

    [Fact]
    public async Task TwoReplicas_OnePostgresStore_ChangeOnOne_AppliedOnTheOthersNextRequest()
    {
        var cs = Environment.GetEnvironmentVariable("WARDEN_TEST_POSTGRES");
        if (string.IsNullOrEmpty(cs))
        {
            throw new InvalidOperationException("WARDEN_TEST_POSTGRES is not set: run eval \"$(bash scripts/services.sh)\" first (PostgreSQL tests never skip silently)");
        }

        var schema = "policy_gw_" + Guid.NewGuid().ToString("N")[..12];
        await using (var ds = NpgsqlDataSource.Create(cs))
        {
            await using var cmd = ds.CreateCommand($"CREATE SCHEMA {schema}");
            await cmd.ExecuteNonQueryAsync();
        }

        try
        {
            var extra = new Dictionary<string, string?>
            {
                ["Warden:Policy:PostgresConnectionString"] = new NpgsqlConnectionStringBuilder(cs) { SearchPath = schema }.ConnectionString,
                ["Warden:Policy:RefreshInterval"] = "00:00:00",
            };
            await using var one = await PolicyGateway.StartAsync(extra: extra);
            await using var two = await PolicyGateway.StartAsync(extra: extra);
            var token = await two.TokenAsync(Scope);
            Assert.Equal(HttpStatusCode.OK, await ChatAsync(two, token));
            using var admin = one.Gateway.CreateClient(one.Gateway.Info.NewAdminKey);
            Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync("admin/policy/rules/freeze", new { effect = "deny", description = "change freeze" })).StatusCode);
            var (status, body) = await ChatWithBodyAsync(two, token);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains("freeze", body, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("admin/policy/rules/freeze")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, await ChatAsync(two, token));
        }
        finally
        {
            await using var ds = NpgsqlDataSource.Create(cs);
            await using var cmd = ds.CreateCommand($"DROP SCHEMA {schema} CASCADE");
            await cmd.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Cli_SetRulesDelete_ThroughAdminApi_BadRuleExits1()
    {
        await using var gw = await PolicyGateway.StartAsync();
        var url = gw.Gateway.BaseAddress.ToString();
        var previous = Environment.GetEnvironmentVariable("WARDEN_ADMIN_KEY");
        Environment.SetEnvironmentVariable("WARDEN_ADMIN_KEY", gw.Gateway.Info.NewAdminKey);
        try
        {
            var set = await RunAsync("policy", "set", "cli-deny", "--effect", "deny", "--when", "resource.provider == 'openai'", "--actions", "llm.chat", "--url", url);
            Assert.True(set.Code == 0, set.Err);
            var list = await RunAsync("policy", "rules", "--url", url);
            Assert.Contains("cli-deny", list.Out, StringComparison.Ordinal);
            var bad = await RunAsync("policy", "set", "cli-bad", "--effect", "deny", "--when", "(", "--url", url);
            Assert.Equal(1, bad.Code);
            Assert.Contains("cli-bad", bad.Err, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, await ChatAsync(gw, await gw.TokenAsync(Scope)));
            var delete = await RunAsync("policy", "delete", "cli-deny", "--url", url);
            Assert.True(delete.Code == 0, delete.Err);
            Assert.Equal(1, (await RunAsync("policy", "get", "cli-deny", "--url", url)).Code);
        }
        finally
        {
            Environment.SetEnvironmentVariable("WARDEN_ADMIN_KEY", previous);
        }
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext(new StringReader(""), output, error, CancellationToken.None));
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<HttpStatusCode> ChatAsync(PolicyGateway gw, string token) => (await ChatWithBodyAsync(gw, token)).Status;

    private static async Task<(HttpStatusCode Status, string Body)> ChatWithBodyAsync(PolicyGateway gw, string token)
    {
        using var client = gw.Gateway.CreateClient(token);
        using var response = await client.PostAsJsonAsync("v1/chat/completions", new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "hi" } } });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
