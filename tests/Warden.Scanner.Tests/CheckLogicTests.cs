using Warden.Scanner.Checks;
using Warden.Scanner.Probing;

namespace Warden.Scanner.Tests;

public sealed class CheckLogicTests
{
    [Theory]
    [InlineData("http://10.0.0.5:18789/", false, true)]
    [InlineData("http://127.0.0.1:18789/", true, false)]
    [InlineData("https://10.0.0.5/", false, false)]
    public void Cleartext_OnlyOnNonLoopbackHttp(string url, bool loopback, bool expected)
    {
        Assert.Equal(expected, CleartextTransportCheck.Applies(new Uri(url), loopback));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("localhost", true)]
    [InlineData("10.1.2.3", false)]
    [InlineData("192.0.2.1", false)]
    public async Task Loopback_IsRecognisedWithoutNetwork(string host, bool expected)
    {
        Assert.Equal(expected, await OpenClawScanner.IsLoopbackAsync(host, CancellationToken.None));
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("DENY", null, true)]
    [InlineData("sameorigin", null, true)]
    [InlineData("ALLOW-FROM https://x", null, false)]
    [InlineData(null, "default-src 'self'; frame-ancestors 'none'", true)]
    [InlineData(null, "frame-ancestors *", false)]
    [InlineData(null, "default-src 'self'", false)]
    public void AntiFraming_RecognisesProtection(string? xfo, string? csp, bool expected)
    {
        Assert.Equal(expected, AntiFramingCheck.IsProtected(xfo, csp));
    }

    [Theory]
    [InlineData(401, true, false)]
    [InlineData(403, true, false)]
    [InlineData(404, true, false)]
    [InlineData(429, false, false)]
    [InlineData(400, true, true)]
    [InlineData(422, true, true)]
    [InlineData(200, false, true)]
    [InlineData(500, true, false)]
    [InlineData(302, false, false)]
    public void HttpSurface_OpenOnlyWhenServedWithoutAuth(int status, bool post, bool expected)
    {
        var probe = new HttpProbeResult("E1", status, new Dictionary<string, string>(), "application/json", "{}", null);
        Assert.Equal(expected, UnauthenticatedHttpCheck.IsOpen(probe, post));
    }

    [Fact]
    public void HttpSurface_SpaFallbackPage_IsNotCountedAsOpen()
    {
        var probe = new HttpProbeResult("E1", 200, new Dictionary<string, string>(), "text/html", "<title>OpenClaw Control</title><openclaw-app></openclaw-app>", null);
        Assert.False(UnauthenticatedHttpCheck.IsOpen(probe, post: false));
    }

    [Fact]
    public void Excerpts_RedactSecretLookingJsonValues()
    {
        var text = Excerpts.FromBody("application/json", """{"auth":{"deviceToken":"s3cr3t"},"password":"p","server":{"version":"2026.1.24"}}""");
        Assert.DoesNotContain("s3cr3t", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"p\"", text, StringComparison.Ordinal);
        Assert.Contains("2026.1.24", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_LegacyMarkersGiveBrand()
    {
        var (markers, brand) = Fingerprinter.UiMarkers("<title>Moltbot Control</title><moltbot-app></moltbot-app>");
        Assert.Equal("Moltbot", brand);
        Assert.Equal(2, markers.Count);
        Assert.Empty(Fingerprinter.UiMarkers("<title>Grafana</title>").Markers);
    }
}
