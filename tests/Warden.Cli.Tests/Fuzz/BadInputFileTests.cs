namespace Warden.Cli.Tests.Fuzz;

/// <summary>
/// Commands that read files or stdin, given missing files, directories, garbage bytes and unknown options: a non-zero
/// exit and exactly one line on stderr naming the reason, never a stack trace. (A missing sub-command prints the usage on
/// stdout with exit 2, and <c>warden doctor</c> reports failed checks on stdout: both by design, not listed here.)
/// </summary>
public sealed class BadInputFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-cli-fuzz-" + Guid.NewGuid().ToString("N"));

    public BadInputFileTests()
    {
        Directory.CreateDirectory(_dir);
        Directory.CreateDirectory(Path.Combine(_dir, "empty-dir"));
        File.WriteAllBytes(Path.Combine(_dir, "garbage.bin"), [0xFF, 0xFE, 0x00, 0x01, 0xC3, 0x28, (byte)'{', (byte)'"']);
        File.WriteAllText(Path.Combine(_dir, "truncated.json"), "{\"Warden\":{\"Detection\":{\"MinScore\":");
        File.WriteAllText(Path.Combine(_dir, "wrong-types.json"), "{\"Warden\":{\"Detection\":{\"MinScore\":\"high\",\"AllowList\":5}}}");
        File.WriteAllText(Path.Combine(_dir, "bad-policy.yaml"), "rules:\n  - id: [unclosed\n    effect: :\n\t- ");
        Directory.CreateDirectory(Path.Combine(_dir, "policy"));
        File.WriteAllText(Path.Combine(_dir, "policy", "p.yaml"), "version: \"1\"\nrules:\n  - id: allow-all\n    effect: allow\n    when: \"true\"\n");
        File.WriteAllText(Path.Combine(_dir, "request-wrong-types.json"), "{\"action\":5,\"principal\":{\"id\":[1],\"scopes\":\"x\"},\"time\":\"not a time\"}");
        var data = Path.Combine(_dir, "data-garbage-db");
        Directory.CreateDirectory(data);
        File.WriteAllBytes(Path.Combine(data, "audit.db"), [.. "SQLite format 3\0"u8, .. new byte[200]]);
        File.WriteAllText(Path.Combine(data, "audit-signing-key.pub.pem"), "-----BEGIN PUBLIC KEY-----\nnot base64 !!\n-----END PUBLIC KEY-----\n");
        var dbIsDir = Path.Combine(_dir, "data-db-is-dir");
        Directory.CreateDirectory(Path.Combine(dbIsDir, "audit.db"));
    }

    public static TheoryData<string, string> Cases => new()
    {
        { "", "scrub {dir}/missing.txt" },
        { "", "scrub {dir}/empty-dir" },
        { "", "scrub --config {dir}/missing.json" },
        { "", "scrub --config {dir}/empty-dir" },
        { "", "scrub --config {dir}/garbage.bin" },
        { "", "scrub --config {dir}/truncated.json" },
        { "", "scrub --config {dir}/wrong-types.json" },
        { "", "scrub --bogus" },
        { "", "scrub --jsonl --operator shred" },
        { "", "scrub a b" },
        { "", "scrub --min-score" },
        { "", "screen {dir}/missing.txt" },
        { "", "screen {dir}/empty-dir" },
        { "", "screen --jsonl {dir}/garbage.bin" },
        { "", "screen --content-type pdf" },
        { "", "screen --threshold lots" },
        { "", "screen --bogus" },
        { "", "audit shred" },
        { "", "audit verify --data-dir {dir}/missing" },
        { "", "audit verify --data-dir {dir}/empty-dir" },
        { "", "audit verify --data-dir {dir}/garbage.bin" },
        { "", "audit verify --data-dir {dir}/data-garbage-db" },
        { "", "audit verify --data-dir {dir}/data-db-is-dir" },
        { "", "audit verify --data-dir {dir}/data-garbage-db --public-key {dir}/garbage.bin" },
        { "", "audit verify --data-dir {dir}/data-garbage-db --public-key {dir}/empty-dir" },
        { "", "audit verify --bogus" },
        { "", "audit verify extra" },
        { "", "audit export --data-dir {dir}/data-garbage-db" },
        { "", "audit export --data-dir {dir}/missing --from yesterday" },
        { "", "policy check {dir}/missing" },
        { "", "policy check {dir}/bad-policy.yaml" },
        { "", "policy check {dir}/garbage.bin" },
        { "", "policy test {dir}/policy --request {dir}/missing.json" },
        { "", "policy test {dir}/policy --request {dir}/empty-dir" },
        { "", "policy test {dir}/policy --request {dir}/garbage.bin" },
        { "", "policy test {dir}/policy --request {dir}/request-wrong-types.json" },
        { "{\"action\":", "policy test {dir}/policy --request -" },
        { "", "serve --config {dir}/missing.json" },
        { "", "serve --config {dir}/empty-dir" },
        { "", "scan --bogus" },
        { "", "providers set-key" },
        { "", "version --bogus" }, // found: exit 0, the option ignored
        { "", "version extra" },
        { "", "no-such-command" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadFileOrOption_NonZeroExit_OneLineReason_NoStackTrace(string stdin, string commandLine)
    {
        var args = commandLine.Replace("{dir}", _dir, StringComparison.Ordinal).Split(' ');
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext(new StringReader(stdin), stdout, stderr, CancellationToken.None));

        var err = stderr.ToString().TrimEnd('\r', '\n');
        Assert.True(code != 0, $"exit 0 for '{commandLine}': {stdout}");
        Assert.True(err.Length > 0, $"nothing on stderr for '{commandLine}'");
        Assert.DoesNotContain('\n', err);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        // The command's reason, or a policy validation report naming file and line.
        Assert.True(err.StartsWith("warden", StringComparison.Ordinal) || err.Contains(": line ", StringComparison.Ordinal), err);
    }

    [Theory]
    [InlineData("scrub --jsonl {dir}/empty-dir", "warden scrub: is a directory, not a file: {dir}/empty-dir")]
    [InlineData("scrub {dir}/empty-dir", "warden scrub: is a directory, not a file: {dir}/empty-dir")]
    [InlineData("scrub --jsonl {dir}/missing.txt", "warden scrub: no such file: {dir}/missing.txt")]
    [InlineData("screen {dir}/empty-dir", "warden screen: is a directory, not a file: {dir}/empty-dir")]
    [InlineData("audit verify --data-dir {dir}/garbage.bin", "warden audit: the data directory is not a directory: {dir}/garbage.bin")]
    [InlineData("audit export --data-dir {dir}/garbage.bin", "warden audit: the data directory is not a directory: {dir}/garbage.bin")]
    [InlineData("audit verify --data-dir {dir}/empty-dir", "warden audit: no audit database at {dir}/empty-dir/audit.db")]
    public async Task FileWhereADirectoryBelongsOrTheOtherWayRound_ReasonSaysWhichItIs(string commandLine, string expected)
    {
        var args = commandLine.Replace("{dir}", _dir, StringComparison.Ordinal).Split(' ');
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext(new StringReader(""), stdout, stderr, CancellationToken.None));

        Assert.Equal(2, code);
        Assert.Equal(expected.Replace("{dir}", _dir, StringComparison.Ordinal).Replace('/', Path.DirectorySeparatorChar), stderr.ToString().TrimEnd('\r', '\n'));
    }

    public void Dispose()
    {
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
