using Warden.Scanner.Targets;

namespace Warden.Scanner.Tests;

public sealed class TargetParserTests
{
    private static readonly ScanOptions Options = new();

    [Fact]
    public void Url_IsScannedAsGiven()
    {
        var t = Assert.Single(TargetParser.Parse("ws://127.0.0.1:5000/gw", Options));
        var e = Assert.Single(t.Candidates);
        Assert.Equal("http://127.0.0.1:5000/gw/", e.PageUri.ToString());
        Assert.Equal(e.PageUri, e.GatewayRoot);
    }

    [Fact]
    public void BareHost_TriesOpenClawPortFirstThen443_80_8080()
    {
        var t = Assert.Single(TargetParser.Parse("127.0.0.1", Options));
        var ports = t.Candidates.Select(c => c.PageUri.Port).Distinct().ToList();
        Assert.Equal([18789, 443, 80, 8080], ports);
        Assert.Equal("https", t.Candidates.First(c => c.PageUri.Port == 443).PageUri.Scheme);
        Assert.Contains(t.Candidates, c => c.PageUri.AbsolutePath == "/openclaw/" && c.GatewayRoot.AbsolutePath == "/");
    }

    [Fact]
    public void HostPort_UsesThatPortOnly()
    {
        var t = Assert.Single(TargetParser.Parse("localhost:9999", Options));
        Assert.All(t.Candidates, c => Assert.Equal(9999, c.PageUri.Port));
    }

    [Fact]
    public void Ipv6Literal_WithPort_IsParsed()
    {
        var t = Assert.Single(TargetParser.Parse("[::1]:18789", Options));
        Assert.Equal("[::1]", t.Candidates[0].PageUri.Host);
    }

    [Fact]
    public void LoopbackCidr30_ExpandsToTheTwoHostAddresses()
    {
        var targets = TargetParser.Parse("127.0.0.0/30", Options);
        Assert.Equal(["127.0.0.1", "127.0.0.2"], targets.Select(t => t.Input));
    }

    [Fact]
    public void LoopbackCidr32_IsOneAddress()
    {
        Assert.Equal("127.0.0.3", Assert.Single(TargetParser.Parse("127.0.0.3/32", Options)).Input);
    }

    [Theory]
    [InlineData("127.0.0.0/23", "more than 256")]
    [InlineData("127.0.0.0/33", "prefix")]
    [InlineData("127.0.0.0/x", "CIDR")]
    [InlineData("http://user:pw@127.0.0.1/", "credentials")]
    [InlineData("ftp://127.0.0.1/", "only http")]
    [InlineData("http://127.0.0.1/?gatewayUrl=x", "query")]
    [InlineData("127.0.0.1:0", "port")]
    [InlineData("127.0.0.1:70000", "port")]
    [InlineData("bad host!", "valid host")]
    [InlineData("", "empty")]
    public void BadTargets_AreRejectedWithReason(string input, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => TargetParser.Parse(input, Options));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxHosts_IsConfigurable()
    {
        var small = Options with { MaxHosts = 4 };
        Assert.Equal(2, TargetParser.Parse("127.0.0.0/30", small).Count);
        Assert.Throws<FormatException>(() => TargetParser.Parse("127.0.0.0/29", small));
    }
}
