using System.Text.Json;
using Warden.Scanner.Tests.Fakes;

namespace Warden.Cli.Tests.Scanner;

public sealed class ScanCommandTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, new CliContext(TextReader.Null, stdout, stderr, CancellationToken.None));
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task VulnerableFake_Json_ExitsCritical_WithCveAndEvidence()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        var (exit, output, _) = await RunAsync("scan", fake.BaseUri.ToString(), "--format", "json", "--rate", "500");
        Assert.Equal(6, exit);
        using var doc = JsonDocument.Parse(output);
        var findings = doc.RootElement.GetProperty("hosts")[0].GetProperty("findings").EnumerateArray().ToList();
        var cve = findings.Single(f => f.GetProperty("id").GetString() == "OC-ADV-CVE-2026-25253");
        Assert.NotEqual(0, cve.GetProperty("evidence").GetArrayLength());
        Assert.DoesNotContain(FakeOpenClawGateway.DeviceTokenCanary, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VulnerableFake_Sarif_IsSarif210WithTheCve()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        var (exit, output, _) = await RunAsync("scan", fake.BaseUri.ToString(), "--format", "sarif", "--rate", "500");
        Assert.Equal(6, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("2.1.0", doc.RootElement.GetProperty("version").GetString());
        Assert.Contains(doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray(), r => r.GetProperty("ruleId").GetString() == "OC-ADV-CVE-2026-25253");
    }

    [Fact]
    public async Task Table_VulnerableVersusHardened()
    {
        await using var vulnerable = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        await using var hardened = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.HardenedCurrent);

        var (badExit, badOut, _) = await RunAsync("scan", vulnerable.BaseUri.ToString(), "--rate", "500");
        Assert.Equal(6, badExit);
        Assert.Contains("CRITICAL", badOut, StringComparison.Ordinal);
        Assert.Contains("OC-ADV-CVE-2026-25253", badOut, StringComparison.Ordinal);

        var (goodExit, goodOut, _) = await RunAsync("scan", hardened.BaseUri.ToString(), "--rate", "500");
        Assert.Equal(0, goodExit);
        Assert.Contains("highest severity: info", goodOut, StringComparison.Ordinal);
        Assert.DoesNotContain("CRITICAL", goodOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoopbackRange_ShowsProgressOnStderr()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.HardenedCurrent);
        var (exit, output, error) = await RunAsync("scan", $"127.0.0.0/30:{fake.Port}", "--rate", "500", "--timeout", "2");
        Assert.Equal(0, exit);
        Assert.Contains("/2] 127.0.0.1: OpenClaw", error, StringComparison.Ordinal);
        Assert.Contains("/2] 127.0.0.2: no gateway", error, StringComparison.Ordinal);
        Assert.Contains("2 target(s) scanned, 1 OpenClaw gateway(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutputOption_WritesTheReportToAFile()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.HardenedCurrent);
        var file = Path.Combine(Path.GetTempPath(), "warden-scan-" + Guid.NewGuid().ToString("N") + ".sarif");
        try
        {
            var (exit, output, _) = await RunAsync("scan", fake.BaseUri.ToString(), "--format", "sarif", "--output", file, "--rate", "500");
            Assert.Equal(0, exit);
            Assert.Empty(output);
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            Assert.Equal("2.1.0", doc.RootElement.GetProperty("version").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("scan")]
    [InlineData("scan", "127.0.0.1", "--format", "xml")]
    [InlineData("scan", "127.0.0.0/16")]
    [InlineData("scan", "127.0.0.1", "--timeout", "abc")]
    [InlineData("scan", "127.0.0.1", "--concurrency", "0")]
    [InlineData("scan", "127.0.0.1", "--bogus")]
    public async Task BadUsage_OneLineOnStderr_Exit2(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith("warden scan: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
