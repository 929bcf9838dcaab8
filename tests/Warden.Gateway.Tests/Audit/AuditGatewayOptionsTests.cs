using Microsoft.Extensions.Configuration;
using Warden.Gateway.Audit;

namespace Warden.Gateway.Tests.Audit;

public sealed class AuditGatewayOptionsTests
{
    [Fact]
    public void Load_NoCallerCommitMaxRate_AdaptiveHandOffAt1000PerSecond()
    {
        var options = AuditGatewayOptions.Load(Config());
        Assert.Equal(1000, options.Trail.CallerCommitMaxRate);
        Assert.False(options.Trail.CallerCommits);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("250", 250)]
    public void Load_CallerCommitMaxRate_Read(string value, int expected) =>
        Assert.Equal(expected, AuditGatewayOptions.Load(Config(("CallerCommitMaxRate", value))).Trail.CallerCommitMaxRate);

    [Theory]
    [InlineData("-1")]
    [InlineData("fast")]
    [InlineData("2000000")]
    public void Load_BadCallerCommitMaxRate_NamesTheKey(string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => AuditGatewayOptions.Load(Config(("CallerCommitMaxRate", value))));
        Assert.Contains("CallerCommitMaxRate", ex.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Warden:Audit:" + v.Key, v.Value)))
            .Build();
}
