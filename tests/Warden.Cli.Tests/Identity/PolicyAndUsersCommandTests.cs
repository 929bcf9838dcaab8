using Warden.Cli;

namespace Warden.Cli.Tests.Identity;

public sealed class PolicyAndUsersCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("warden-cli-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext(new StringReader(stdin), o, e, CancellationToken.None));
        return (code, o.ToString(), e.ToString());
    }

    private string Policy(string yaml)
    {
        var path = Path.Combine(_dir, "p.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public async Task PolicyTest_DeniedRequest_PrintsRuleAndReason_ExpectMismatchExits1()
    {
        var path = Policy("rules:\n  - id: allow-openai\n    effect: allow\n    when: resource.provider == 'openai'\n  - id: no-pii\n    effect: deny\n    description: no PII to providers\n    when: \"'pii' in resource.data\"\n");
        const string request = """{"action":"llm.chat","provider":"openai","model":"gpt-4o","principal":{"id":"agt_1","kind":"agent"},"data":["pii"]}""";
        var (code, output, _) = await RunAsync(request, "policy", "test", path, "--request", "-", "--expect", "deny");
        Assert.Equal(0, code);
        Assert.Contains("deny by no-pii: denied by rule 'no-pii': no PII to providers", output, StringComparison.Ordinal);
        Assert.Contains("allow-openai", output, StringComparison.Ordinal);

        var (mismatch, _, err) = await RunAsync(request, "policy", "test", path, "--request", "-", "--expect", "allow");
        Assert.Equal(1, mismatch);
        Assert.Contains("expected allow, got deny", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyCheck_InvalidFile_ListsErrorsExits1()
    {
        var path = Policy("rules:\n  - id: x\n    effect: allow\n    when: 'principal.secret == 1'\n");
        var (code, _, err) = await RunAsync("", "policy", "check", path);
        Assert.Equal(1, code);
        Assert.Contains("unknown field 'principal.secret'", err, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("", "policy", "check", Policy("rules: []"))).Code);
    }

    [Theory]
    [InlineData("""{"provider":"openai"}""", "needs an 'action'")]
    [InlineData("not json", "not valid JSON")]
    public async Task PolicyTest_BadRequest_OneLineReason(string request, string reason)
    {
        var (code, _, err) = await RunAsync(request, "policy", "test", Policy("rules: []"), "--request", "-");
        Assert.Equal(2, code);
        Assert.Contains(reason, err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public async Task Users_CreateKeyListRights()
    {
        var (code, output, err) = await RunAsync("", "users", "create", "alice", "--rights", "llm:openai/* tool:jira:write", "--data-dir", _dir);
        Assert.True(code == 0, err);
        Assert.Contains("llm:openai/* tool:jira:write", output, StringComparison.Ordinal);
        var key = (await RunAsync("", "users", "key", "alice", "--data-dir", _dir)).Out.Split('\n')[1].Trim();
        Assert.StartsWith("wdn_user_", key, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("", "users", "rights", "alice", "--rights", "llm:anthropic/*", "--data-dir", _dir)).Code);
        var list = (await RunAsync("", "users", "list", "--data-dir", _dir)).Out;
        Assert.Contains("alice\tactive\tllm:anthropic/*", list, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("", "users", "create", "bob", "--rights", "root:*", "--data-dir", _dir)).Code);
        Assert.Equal(2, (await RunAsync("", "users", "create", "alice", "--data-dir", _dir)).Code);
    }

    [Fact]
    public async Task AgentsProfile_SetsCeiling()
    {
        Assert.Equal(0, (await RunAsync("", "agents", "create", "bot", "--data-dir", _dir)).Code);
        var (code, output, err) = await RunAsync("", "agents", "profile", "bot", "--ceiling", "llm:openai/gpt-4o", "--type", "coder", "--data-dir", _dir);
        Assert.True(code == 0, err);
        Assert.Contains("type=coder\tceiling=llm:openai/gpt-4o", output, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("", "agents", "profile", "ghost", "--data-dir", _dir)).Code);
    }

    [Fact]
    public async Task TokensRevoke_WithoutAdminKey_Exits2()
    {
        Environment.SetEnvironmentVariable("WARDEN_ADMIN_KEY", null);
        var (code, _, err) = await RunAsync("", "tokens", "revoke", "--kind", "task", "--id", "t1");
        Assert.Equal(2, code);
        Assert.Contains("WARDEN_ADMIN_KEY", err, StringComparison.Ordinal);
    }
}
