using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Audit;
using Warden.Core.Identity;
using Warden.Gateway.Tests.Infrastructure;
using Warden.Scanner.Tests.Fakes;

namespace Warden.Gateway.Tests.Scanner;

public sealed class OpenClawScanEndpointTests
{
    private const string ScannerCredential = "test-scanner-credential-0001";
    private const string ReaderCredential = "test-reader-credential-0002";

    private static Action<IServiceCollection> Services(IAuditTrail audit) => s =>
    {
        s.AddSingleton(audit);
        s.AddSingleton<ICredentialAuthenticator>(new ScopedTestAuthenticator());
    };

    private static Dictionary<string, string?> FastLimits => new()
    {
        ["Warden:Scanner:ProbeTimeoutSeconds"] = "5",
        ["Warden:Scanner:ProbesPerSecond"] = "1000",
    };

    private static StringContent Body(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Fact]
    public async Task NoCredential_Returns401_AndScansNothing()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        var audit = new RecordingAuditTrail();
        await using var gw = await GatewayFixture.StartAsync(FastLimits, Services(audit));
        using var client = gw.CreateClient();
        using var response = await client.PostAsync("api/openclaw-scan", Body(new { targets = new[] { fake.BaseUri.ToString() } }));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(fake.Requests);
        // No scan was audited; the refused request itself is (gateway.rejected, by the audit middleware).
        Assert.Equal("gateway.rejected", Assert.Single(audit.Events).Type);
    }

    [Fact]
    public async Task CallerWithoutScannerPermission_Returns403()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        await using var gw = await GatewayFixture.StartAsync(FastLimits, Services(new RecordingAuditTrail()));
        using var client = gw.CreateClient(ReaderCredential);
        using var response = await client.PostAsync("api/openclaw-scan", Body(new { targets = new[] { fake.BaseUri.ToString() } }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task ScannerPermission_VulnerableFake_ReportedWithCveAndEvidence_AndAudited()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        var audit = new RecordingAuditTrail();
        await using var gw = await GatewayFixture.StartAsync(FastLimits, Services(audit));
        using var client = gw.CreateClient(ScannerCredential);
        using var response = await client.PostAsync("api/openclaw-scan", Body(new { targets = new[] { fake.BaseUri.ToString() } }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("6", response.Headers.GetValues("warden-scan-exit-code").Single());
        var json = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(json);
        var findings = doc.RootElement.GetProperty("hosts")[0].GetProperty("findings").EnumerateArray().ToList();
        var cve = findings.Single(f => f.GetProperty("id").GetString() == "OC-ADV-CVE-2026-25253");
        Assert.NotEqual(0, cve.GetProperty("evidence").GetArrayLength());
        Assert.Contains(findings, f => f.GetProperty("id").GetString() == "OC-WS-NOAUTH" && f.GetProperty("severity").GetString() == "critical");
        Assert.DoesNotContain(FakeOpenClawGateway.DeviceTokenCanary, json, StringComparison.Ordinal);

        Assert.Equal(["scanner.scan", "scanner.result"], audit.Events.Select(e => e.Type));
        Assert.All(audit.Events, e => Assert.Equal("scanner-principal", e.PrincipalId));
        Assert.Contains(fake.BaseUri.Authority, audit.Events.First().Attributes!["targets"], StringComparison.Ordinal);
        Assert.Equal("critical", audit.Events.Last().Attributes!["highest_severity"]);
        Assert.DoesNotContain(ScannerCredential, string.Join(" ", audit.Events.SelectMany(e => e.Attributes!.Values)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScannerPermission_HardenedFake_IsClean_InSarif()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.HardenedCurrent);
        await using var gw = await GatewayFixture.StartAsync(FastLimits, Services(new RecordingAuditTrail()));
        using var client = gw.CreateClient(ScannerCredential);
        using var response = await client.PostAsync("api/openclaw-scan", Body(new { targets = new[] { fake.BaseUri.ToString() }, format = "sarif" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/sarif+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("0", response.Headers.GetValues("warden-scan-exit-code").Single());
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("2.1.0", doc.RootElement.GetProperty("version").GetString());
        var results = doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        Assert.Equal("OC-FP-DETECTED", Assert.Single(results).GetProperty("ruleId").GetString());
    }

    [Fact]
    public async Task AuditFailure_FailsClosed_BeforeAnyProbe()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        await using var gw = await GatewayFixture.StartAsync(FastLimits, Services(new FailingAuditTrail()));
        using var client = gw.CreateClient(ScannerCredential);
        using var response = await client.PostAsync("api/openclaw-scan", Body(new { targets = new[] { fake.BaseUri.ToString() } }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(fake.Requests);
    }

    [Theory]
    [InlineData("""{"targets":[]}""", "targets")]
    [InlineData("""{"targets":["127.0.0.0/16"]}""", "more than 256")]
    [InlineData("""{"targets":["127.0.0.1"],"format":"xml"}""", "format")]
    [InlineData("""{"targets":["127.0.0.1"],"timeoutSeconds":-1}""", "timeoutSeconds")]
    [InlineData("""{"targets":["http://u:p@127.0.0.1/"]}""", "credentials")]
    [InlineData("""not json""", "JSON")]
    public async Task BadRequest_Returns400ProblemWithReason(string body, string reason)
    {
        await using var gw = await GatewayFixture.StartAsync(FastLimits, Services(new RecordingAuditTrail()));
        using var client = gw.CreateClient(ScannerCredential);
        using var response = await client.PostAsync("api/openclaw-scan", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("169.254.169.254", null)] // cloud metadata: never, whatever is configured
    [InlineData("http://[fd00:ec2::254]/", "::/0")]
    [InlineData("{fake}", "10.0.0.0/8")] // loopback fake outside the allowed range
    [InlineData("{fake-localhost}", "10.0.0.0/8")] // a host name is judged by what it resolves to
    public async Task TargetOutsideAllowedNetworks_Refused403_NothingProbedOrAudited(string target, string? allowed)
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        var settings = new Dictionary<string, string?>(FastLimits);
        if (allowed is not null)
        {
            settings["Warden:Scanner:AllowedNetworks:0"] = allowed;
        }

        var audit = new RecordingAuditTrail();
        await using var gw = await GatewayFixture.StartAsync(settings, Services(audit));
        using var client = gw.CreateClient(ScannerCredential);
        target = target.Replace("{fake}", fake.BaseUri.ToString(), StringComparison.Ordinal)
            .Replace("{fake-localhost}", new UriBuilder(fake.BaseUri) { Host = "localhost" }.Uri.ToString(), StringComparison.Ordinal);
        using var response = await client.PostAsync("api/openclaw-scan", Body(new { targets = new[] { target } }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("allowed networks", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(fake.Requests);
        Assert.DoesNotContain(audit.Events, e => e.Type == "scanner.scan");
    }

    [Fact]
    public async Task TargetInsideAllowedNetworks_Scanned()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        var settings = new Dictionary<string, string?>(FastLimits) { ["Warden:Scanner:AllowedNetworks:0"] = "127.0.0.0/8" };
        await using var gw = await GatewayFixture.StartAsync(settings, Services(new RecordingAuditTrail()));
        using var client = gw.CreateClient(ScannerCredential);
        using var response = await client.PostAsync("api/openclaw-scan", Body(new { targets = new[] { fake.BaseUri.ToString() } }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(fake.Requests);
    }

    [Fact]
    public async Task AllowedNetworks_NotACidr_StartRefused()
    {
        var settings = new Dictionary<string, string?>(FastLimits) { ["Warden:Scanner:AllowedNetworks:0"] = "ten-dot-something" };
        var ex = await Assert.ThrowsAsync<Warden.Gateway.Hosting.WardenConfigurationException>(() => GatewayFixture.StartAsync(settings, Services(new RecordingAuditTrail())));
        Assert.Contains("is not a CIDR range", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestCannotLoosenServerLimits()
    {
        var limits = new Dictionary<string, string?>(FastLimits) { ["Warden:Scanner:MaxHosts"] = "4" };
        await using var gw = await GatewayFixture.StartAsync(limits, Services(new RecordingAuditTrail()));
        using var client = gw.CreateClient(ScannerCredential);
        using var response = await client.PostAsync("api/openclaw-scan", Body(new { targets = new[] { "127.0.0.0/29" }, maxHosts = 1024 }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("more than 4", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompletedScan_IsCountedInMetrics_AndLogged_WithoutCredentialOrTargets()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        await using var gw = await GatewayFixture.StartAsync(FastLimits, Services(new RecordingAuditTrail()));
        var factory = gw.App.Services.GetRequiredService<IMeterFactory>();
        var measurements = new ConcurrentQueue<(string Instrument, long Value, string Tag)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Warden.Scanner" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Enqueue((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();

        using var client = gw.CreateClient(ScannerCredential);
        using var response = await client.PostAsync("api/openclaw-scan", Body(new { targets = new[] { fake.BaseUri.ToString() } }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Contains(measurements, m => m.Instrument == "warden.scanner.scans" && m.Tag == "outcome=completed" && m.Value == 1);
        Assert.Contains(measurements, m => m.Instrument == "warden.scanner.findings" && m.Tag == "severity=critical" && m.Value >= 2);
        Assert.Contains(gw.Logs.Lines, l => l.Contains("OpenClaw scan by scanner-principal", StringComparison.Ordinal));
        Assert.DoesNotContain(ScannerCredential, gw.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeOpenClawGateway.DeviceTokenCanary, gw.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoreScansThanAllowed_AtOnce_Get429()
    {
        // A loopback listener that accepts and never answers keeps the first scan busy until its probe timeout.
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var limits = new Dictionary<string, string?>(FastLimits) { ["Warden:Scanner:MaxConcurrentScans"] = "1", ["Warden:Scanner:ProbeTimeoutSeconds"] = "6" };
        await using var gw = await GatewayFixture.StartAsync(limits, Services(new RecordingAuditTrail()));
        using var client = gw.CreateClient(ScannerCredential);

        var first = client.PostAsync("api/openclaw-scan", Body(new { targets = new[] { $"http://127.0.0.1:{port}/" } }));
        await Task.Delay(1500);
        using var second = await client.PostAsync("api/openclaw-scan", Body(new { targets = new[] { $"http://127.0.0.1:{port}/" } }));
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.True(second.Headers.Contains("Retry-After"));
        using var firstResponse = await first;
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
    }

    private sealed class ScopedTestAuthenticator : ICredentialAuthenticator
    {
        public bool CanHandle(string credential) => credential.StartsWith("test-", StringComparison.Ordinal);

        public ValueTask<AuthenticationResult> AuthenticateAsync(string credential, CancellationToken cancellationToken) =>
            ValueTask.FromResult(credential switch
            {
                ScannerCredential => AuthenticationResult.Success(new WardenPrincipal("scanner-principal", PrincipalKind.User, "scanner", "user_key", Scopes: ["scanner"])),
                ReaderCredential => AuthenticationResult.Success(new WardenPrincipal("reader-principal", PrincipalKind.User, "reader", "user_key", Scopes: ["audit:read"])),
                _ => new AuthenticationResult(null, "unknown"),
            });
    }

    private sealed class RecordingAuditTrail : IAuditTrail
    {
        public ConcurrentQueue<AuditEvent> Events { get; } = new();

        public ValueTask<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
        {
            Events.Enqueue(auditEvent);
            return ValueTask.FromResult((long)Events.Count);
        }
    }

    private sealed class FailingAuditTrail : IAuditTrail
    {
        public ValueTask<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken) =>
            ValueTask.FromException<long>(new IOException("audit store down"));
    }
}
