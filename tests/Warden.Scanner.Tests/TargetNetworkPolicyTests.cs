using System.Net;
using Warden.Scanner.Targets;
using Warden.Scanner.Tests.Fakes;

namespace Warden.Scanner.Tests;

public sealed class TargetNetworkPolicyTests
{
    [Theory]
    [InlineData("169.254.169.254", false)]
    [InlineData("fd00:ec2::254", false)]
    [InlineData("100.100.100.200", false)]
    [InlineData("::ffff:169.254.169.254", false)] // IPv4-mapped form of the metadata address
    [InlineData("10.1.2.3", true)]
    [InlineData("192.168.1.1", false)] // outside the allowed 10/8
    public void Allows_DeniedWinsAndAllowedBounds(string address, bool expected)
    {
        var policy = new TargetNetworkPolicy { Allowed = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16")], Denied = TargetNetworkPolicy.MetadataAndLinkLocal };
        Assert.Equal(expected, policy.Allows(IPAddress.Parse(address)));
    }

    [Fact]
    public async Task Scan_HostNameResolvingToDeniedAddress_NeverConnects()
    {
        // The check is on the address dialled: "localhost" passes no name filter, but it resolves to loopback.
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        var options = ScannerTestHelpers.FastOptions with
        {
            Networks = new TargetNetworkPolicy { Denied = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")] },
        };
        var target = new UriBuilder(fake.BaseUri) { Host = "localhost" }.Uri.ToString();
        var report = await ScannerTestHelpers.ScanAsync(target, options);

        Assert.False(Assert.Single(report.Hosts).Detected);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Scan_AllowedNetwork_Connects()
    {
        await using var fake = await FakeOpenClawGateway.StartAsync(FakeGatewayProfile.VulnerableOld);
        var options = ScannerTestHelpers.FastOptions with { Networks = new TargetNetworkPolicy { Allowed = [IPNetwork.Parse("127.0.0.0/8")] } };
        var report = await ScannerTestHelpers.ScanAsync(fake.BaseUri.ToString(), options);
        Assert.True(Assert.Single(report.Hosts).Detected);
    }
}
