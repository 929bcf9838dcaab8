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

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("PowerLoss", null, false)]
    [InlineData("Process", "false", false)]
    [InlineData(null, "true", true)]
    public void Load_Journal_OnByDefaultForProcessOnly(string? durability, string? journal, bool expected)
    {
        var values = new List<(string, string)>();
        if (durability is not null)
        {
            values.Add(("Durability", durability));
        }

        if (journal is not null)
        {
            values.Add(("Journal", journal));
        }

        var options = AuditGatewayOptions.Load(Config([.. values]));
        Assert.Equal(expected, options.UsesJournal);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.JournalFoldInterval);
    }

    [Theory]
    [InlineData("Journal", "true", "PowerLoss")]
    [InlineData("Journal", "maybe", "Process")]
    [InlineData("JournalFoldIntervalMs", "0", "Process")]
    [InlineData("JournalFoldIntervalMs", "1001", "Process")]
    public void Load_BadJournalSettings_NameTheKey(string key, string value, string durability)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => AuditGatewayOptions.Load(Config((key, value), ("Durability", durability))));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Warden:Audit:" + v.Key, v.Value)))
            .Build();
}
