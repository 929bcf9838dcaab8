using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Warden.Scanner.Findings;
using Warden.Scanner.Output;
using Warden.Scanner.Tests.Fakes;

namespace Warden.Scanner.Tests;

public sealed class FakeGatewayScanTests
{
    [Fact]
    public async Task VulnerableOldRelease_IsReportedWithCveAndEvidence()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        var report = await ScannerTestHelpers.ScanAsync(fake.BaseUri.ToString());

        var host = Assert.Single(report.Hosts);
        Assert.True(host.Detected);
        Assert.Equal("2026.1.24", host.Version);
        Assert.Equal("hello-ok.server.version", host.VersionSource);
        var ids = host.Findings.Select(f => f.Id).ToHashSet();
        Assert.Contains("OC-WS-NOAUTH", ids);
        Assert.Contains("OC-WS-ORIGIN", ids);
        Assert.Contains("OC-ADV-CVE-2026-25253", ids);
        Assert.Contains("OC-ADV-CVE-2026-28466", ids);
        Assert.Contains("OC-ADV-GHSA-943q-mwmv-hhvh", ids);
        Assert.Contains("OC-ADV-CVE-2026-41399", ids);
        Assert.DoesNotContain("OC-ADV-CVE-2026-25593", ids); // fixed in 2026.1.20, before 2026.1.24
        Assert.DoesNotContain("OC-ADV-GHSA-2f7j-rp58-mr42", ids); // unconfirmed row never matches
        Assert.Contains("OC-HTTP-NOAUTH-TOOLS", ids);
        Assert.Contains("OC-HTTP-NOAUTH-CHAT", ids);
        Assert.Contains("OC-HTTP-NOAUTH-HOOKS", ids);
        Assert.Contains("OC-HTTP-NOAUTH-CANVAS", ids);
        Assert.Contains("OC-HDR-FRAMING", ids);
        Assert.DoesNotContain("OC-TLS-CLEARTEXT", ids); // loopback
        Assert.Equal(Severity.Critical, report.Highest);
        Assert.Equal(6, report.ExitCode);

        var noAuth = host.Findings.Single(f => f.Id == "OC-WS-NOAUTH");
        var evidence = host.Evidence.Single(e => e.Id == Assert.Single(noAuth.EvidenceIds));
        Assert.Equal("ws", evidence.Kind);
        Assert.Equal(101, evidence.Status);
        Assert.Contains("hello-ok", evidence.Excerpt, StringComparison.Ordinal);
        Assert.Contains("2026.1.24", evidence.Excerpt, StringComparison.Ordinal);

        var cve = host.Findings.Single(f => f.Id == "OC-ADV-CVE-2026-25253");
        Assert.Equal(Severity.High, cve.Severity);
        Assert.Equal("confirmed", cve.Confidence);
        Assert.Contains(cve.References, r => r.Contains("CVE-2026-25253", StringComparison.Ordinal));
        Assert.Equal(noAuth.EvidenceIds, cve.EvidenceIds);
    }

    [Fact]
    public async Task HardenedCurrentRelease_IsClean()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.HardenedCurrent);
        var report = await ScannerTestHelpers.ScanAsync(fake.BaseUri.ToString());

        var host = Assert.Single(report.Hosts);
        Assert.True(host.Detected);
        Assert.Null(host.Version); // a hardened gateway does not tell its version to strangers
        var finding = Assert.Single(host.Findings);
        Assert.Equal("OC-FP-DETECTED", finding.Id);
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("connect.challenge", finding.Detail, StringComparison.Ordinal);
        Assert.Equal(0, report.ExitCode);

        // The origin probe was made and rejected for the origin, the auth probe for missing auth.
        Assert.Contains(host.Evidence, e => e.Kind == "ws" && e.Request.Contains("Origin: https://warden-scan-origin-probe.invalid", StringComparison.Ordinal) && e.Excerpt.Contains("origin not allowed", StringComparison.Ordinal));
        Assert.Contains(host.Evidence, e => e.Kind == "ws" && e.Excerpt.Contains("AUTH_TOKEN_MISSING", StringComparison.Ordinal));
        Assert.Contains(host.Evidence, e => e.Request.EndsWith("/tools/invoke body={}", StringComparison.Ordinal) && e.Status == 401);
    }

    [Fact]
    public async Task LegacyClawdbotBranding_ReportsLikelyAdvisoriesWithReason()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.LegacyBranding);
        var report = await ScannerTestHelpers.ScanAsync(fake.BaseUri.ToString());

        var host = Assert.Single(report.Hosts);
        Assert.Equal("Clawdbot", host.Brand);
        Assert.Equal("< 2026.1.29 (likely)", host.Version);
        var cve = host.Findings.Single(f => f.Id == "OC-ADV-CVE-2026-25253");
        Assert.Equal("likely", cve.Confidence);
        Assert.Contains("Clawdbot", cve.Detail, StringComparison.Ordinal);
        Assert.Contains("(likely)", cve.Title, StringComparison.Ordinal);
        // 2026.1.20 is below the bound, so CVE-2026-25593 cannot be inferred from branding alone.
        Assert.DoesNotContain(host.Findings, f => f.Id == "OC-ADV-CVE-2026-25593");
        Assert.DoesNotContain(host.Findings, f => f.Id == "OC-WS-NOAUTH");
    }

    [Fact]
    public async Task Scan_NeverSendsCredentials_AndCallsNothingBeyondConnect()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        await ScannerTestHelpers.ScanAsync(fake.BaseUri.ToString());

        Assert.DoesNotContain(fake.Headers, h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
            || h.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
            || h.Key.StartsWith("x-openclaw", StringComparison.OrdinalIgnoreCase));
        Assert.NotEmpty(fake.ClientFrames);
        foreach (var frame in fake.ClientFrames)
        {
            using var doc = JsonDocument.Parse(frame);
            Assert.Equal("connect", doc.RootElement.GetProperty("method").GetString());
            var p = doc.RootElement.GetProperty("params");
            Assert.False(p.TryGetProperty("auth", out _));
            Assert.False(p.TryGetProperty("device", out _));
            Assert.Equal(0, p.GetProperty("scopes").GetArrayLength());
        }

        Assert.All(fake.Requests, r => Assert.True(r.StartsWith("GET ", StringComparison.Ordinal) || r is "POST /tools/invoke" or "POST /hooks/wake", r));
    }

    [Fact]
    public async Task Reports_InJsonSarifAndTable_CarryTheCveAndNeverTheDeviceToken()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        var report = await ScannerTestHelpers.ScanAsync(fake.BaseUri.ToString());

        var json = JsonReportWriter.ToJson(report);
        using (var doc = JsonDocument.Parse(json))
        {
            var host = doc.RootElement.GetProperty("hosts")[0];
            Assert.Equal("critical", doc.RootElement.GetProperty("highestSeverity").GetString());
            var cve = host.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "OC-ADV-CVE-2026-25253");
            Assert.Equal("high", cve.GetProperty("severity").GetString());
            Assert.True(cve.GetProperty("evidence").GetArrayLength() > 0);
            Assert.False(string.IsNullOrEmpty(cve.GetProperty("remediation").GetString()));
            Assert.True(cve.GetProperty("references").GetArrayLength() > 0);
            Assert.True(host.GetProperty("probes").GetArrayLength() >= 8);
        }

        var sarif = SarifWriter.ToSarif(report);
        using (var doc = JsonDocument.Parse(sarif))
        {
            Assert.Equal("2.1.0", doc.RootElement.GetProperty("version").GetString());
            var run = doc.RootElement.GetProperty("runs")[0];
            Assert.Equal("warden-scan", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
            var results = run.GetProperty("results").EnumerateArray().ToList();
            var cve = results.Single(r => r.GetProperty("ruleId").GetString() == "OC-ADV-CVE-2026-25253");
            Assert.Equal("error", cve.GetProperty("level").GetString());
            Assert.StartsWith(fake.BaseUri.GetLeftPart(UriPartial.Authority), cve.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString(), StringComparison.Ordinal);
            var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
            Assert.Contains("OC-WS-NOAUTH", rules);
            Assert.Equal(rules.Count, rules.Distinct().Count());
        }

        using var table = new StringWriter();
        await TableWriter.WriteAsync(table, report);
        var text = table.ToString();
        Assert.Contains("CRITICAL", text, StringComparison.Ordinal);
        Assert.Contains("OC-ADV-CVE-2026-25253", text, StringComparison.Ordinal);
        Assert.Contains("highest severity: critical", text, StringComparison.Ordinal);

        Assert.DoesNotContain(FakeOpenClawGateway.DeviceTokenCanary, json, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeOpenClawGateway.DeviceTokenCanary, sarif, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeOpenClawGateway.DeviceTokenCanary, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HardenedReports_InJsonSarifAndTable_AreClean()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.HardenedCurrent);
        var report = await ScannerTestHelpers.ScanAsync(fake.BaseUri.ToString());

        using (var doc = JsonDocument.Parse(JsonReportWriter.ToJson(report)))
        {
            Assert.Equal("info", doc.RootElement.GetProperty("highestSeverity").GetString());
            Assert.Equal(0, doc.RootElement.GetProperty("exitCode").GetInt32());
        }

        using (var doc = JsonDocument.Parse(SarifWriter.ToSarif(report)))
        {
            var results = doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
            Assert.All(results, r => Assert.Equal("note", r.GetProperty("level").GetString()));
        }

        using var table = new StringWriter();
        await TableWriter.WriteAsync(table, report);
        Assert.Contains("0 finding(s), highest severity: info", table.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoopbackCidrRange_FindsTheGatewayAndReportsProgress()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        var options = ScannerTestHelpers.FastOptions with { ProbeTimeout = TimeSpan.FromSeconds(2) };
        var targets = Targets.TargetParser.ParseAll([$"127.0.0.0/30:{fake.Port}"], options);
        Assert.Equal(["127.0.0.1", "127.0.0.2"], targets.Select(t => t.Input));
        var progress = new List<ScanProgress>();
        using var scanner = new OpenClawScanner(options, TimeProvider.System);
        var report = await scanner.ScanAsync(targets, new SyncProgress(progress), CancellationToken.None);

        Assert.Equal(2, progress.Count);
        Assert.Equal(2, progress.Max(p => p.Completed));
        var found = report.Hosts.Single(h => h.Input == "127.0.0.1");
        Assert.True(found.Detected);
        Assert.Contains(found.Findings, f => f.Id == "OC-WS-NOAUTH");
        Assert.False(report.Hosts.Single(h => h.Input == "127.0.0.2").Detected);
    }

    [Fact]
    public async Task NotOpenClaw_IsNotDetected_AndGetsNoEndpointProbes()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        await using var app = builder.Build();
        var requests = new System.Collections.Concurrent.ConcurrentQueue<string>();
        app.Use(async (HttpContext ctx, RequestDelegate next) => { requests.Enqueue(ctx.Request.Path.Value ?? string.Empty); await next(ctx); });
        app.MapGet("/", () => "hello");
        await app.StartAsync();

        var report = await ScannerTestHelpers.ScanAsync(app.Urls.First());
        Assert.False(Assert.Single(report.Hosts).Detected);
        Assert.Empty(report.AllFindings);
        Assert.DoesNotContain("/tools/invoke", requests);
        Assert.Equal(0, report.ExitCode);
    }

    private sealed class SyncProgress(List<ScanProgress> sink) : IProgress<ScanProgress>
    {
        public void Report(ScanProgress value)
        {
            lock (sink)
            {
                sink.Add(value);
            }
        }
    }
}
