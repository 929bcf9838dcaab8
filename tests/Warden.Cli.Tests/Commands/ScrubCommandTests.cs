using System.Text.Json;

namespace Warden.Cli.Tests.Commands;

public sealed class ScrubCommandTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(string input, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(["scrub", .. args], new CliContext(new StringReader(input), stdout, stderr, CancellationToken.None));
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Jsonl_OneLinePerInput_InOrder_MalformedLineGetsError()
    {
        var input = "{\"id\":\"a\",\"text\":\"mail bob@example.com\"}\nnot json\n{\"id\":7}\n{\"id\":8,\"text\":\"x \\ud800 y\"}\n[]\n{\"id\":\"c\",\"text\":\"nothing here\"}\n";

        var (code, output, _) = await RunAsync(input, "--jsonl");

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(6, lines.Length);
        Assert.Equal("a", lines[0].GetProperty("id").GetString());
        var e = Assert.Single(lines[0].GetProperty("entities").EnumerateArray());
        Assert.Equal("EMAIL_ADDRESS", e.GetProperty("type").GetString());
        Assert.Equal(5, e.GetProperty("start").GetInt32());
        Assert.Equal(20, e.GetProperty("end").GetInt32());
        Assert.Equal("mail <EMAIL_ADDRESS>", lines[0].GetProperty("text").GetString());
        Assert.True(lines[1].TryGetProperty("error", out _));
        Assert.Equal(7, lines[2].GetProperty("id").GetInt32());
        Assert.True(lines[2].TryGetProperty("error", out _));
        Assert.Equal(8, lines[3].GetProperty("id").GetInt32());
        Assert.Contains("surrogate", lines[3].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(lines[4].TryGetProperty("error", out _));
        Assert.Equal("c", lines[5].GetProperty("id").GetString());
    }

    [Fact]
    public async Task ConfigFile_CustomRecognizer_Applied_BadPatternRefused()
    {
        var dir = Directory.CreateTempSubdirectory("warden-scrub-config-").FullName;
        try
        {
            var good = Path.Combine(dir, "good.json");
            await File.WriteAllTextAsync(good, """
                {"Warden":{"Detection":{"CustomRecognizers":[{"Name":"ticket","EntityType":"TICKET_ID","Pattern":"\\bTCK-[0-9]{5}\\b","Score":0.9}]}}}
                """);
            var (code, output, _) = await RunAsync("see TCK-48213 now", "--config", good);
            Assert.Equal(0, code);
            Assert.Equal("see <TICKET_ID> now", output.TrimEnd());

            var bad = Path.Combine(dir, "bad.json");
            await File.WriteAllTextAsync(bad, """{"Warden":{"Detection":{"CustomRecognizers":[{"Name":"x","EntityType":"X","Pattern":"(a)\\1"}]}}}""");
            var (badCode, _, err) = await RunAsync("aa", "--config", bad);
            Assert.Equal(2, badCode);
            Assert.Contains("CustomRecognizers[0]", err, StringComparison.Ordinal);
            Assert.Single(err.Trim().Split('\n'));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Plain_MaskOperatorAndEntityFilter_Applied()
    {
        var (code, output, _) = await RunAsync("card 4111 1111 1111 1111, bob@example.com", "--operator", "mask", "--entities", "CREDIT_CARD");
        Assert.Equal(0, code);
        Assert.Equal("card **** **** **** 1111, bob@example.com", output);
    }

    [Fact]
    public async Task Pseudonymize_FakesAll_CardStaysACard()
    {
        var (code, output, _) = await RunAsync("card 4111 1111 1111 1111", "--operator", "pseudonymize", "--fakes", "all", "--no-names");
        Assert.Equal(0, code);
        Assert.Matches(@"^card 41\d\d \d{4} \d{4} \d{4}$", output);
        Assert.NotEqual("card 4111 1111 1111 1111", output);
    }

    [Theory]
    [InlineData("--operator", "shred")]
    [InlineData("--entities", "NOPE")]
    [InlineData("--fakes", "PERSON")]
    [InlineData("--operator", "pseudonymize", "--fakes", "NOPE")]
    [InlineData("--operator", "hash", "--key-env", "WARDEN_TEST_KEY_THAT_IS_NOT_SET")]
    public async Task BadOptions_ExitNonZero_WithOneLineReason(params string[] args)
    {
        var (code, output, err) = await RunAsync("x", args);
        Assert.NotEqual(0, code);
        Assert.Equal("", output);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
