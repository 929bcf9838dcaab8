using Warden.Scanner.Advisories;
using Warden.Scanner.Findings;
using Warden.Scanner.Versioning;

namespace Warden.Scanner.Tests;

public sealed class AdvisoryTableTests
{
    /// <summary>One row per advisory in openclaw-advisories.json: last affected, first fixed, severity.</summary>
    public static TheoryData<string, string, string, string> Rows => new()
    {
        { "CVE-2026-25253", "2026.1.28", "2026.1.29", "high" },
        { "CVE-2026-25593", "2026.1.19", "2026.1.20", "high" },
        { "CVE-2026-28472", "2026.2.1", "2026.2.2", "high" },
        { "CVE-2026-28466", "2026.2.13", "2026.2.14", "critical" },
        { "CVE-2026-26322", "2026.2.13", "2026.2.14", "medium" },
        { "GHSA-943q-mwmv-hhvh", "2026.2.13", "2026.2.14", "high" },
        { "CVE-2026-32034", "2026.2.19-2", "2026.2.21", "high" },
        { "GHSA-rqpp-rjj8-7wv8", "2026.3.11", "2026.3.12", "critical" },
        { "CVE-2026-41399", "2026.3.27", "2026.3.28", "high" },
        { "CVE-2026-53821", "2026.5.17", "2026.5.18", "high" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Row_AffectsVersionsBeforeFix_AndNotTheFix(string id, string lastAffected, string firstFixed, string severity)
    {
        var row = AdvisoryTable.Default.Advisories.Single(a => a.Id == id);
        Assert.True(row.Confirmed);
        Assert.Equal(severity, SeverityNames.Name(row.Severity));
        Assert.True(row.Affects(OpenClawVersion.Parse(lastAffected)));
        Assert.True(row.Affects(OpenClawVersion.Parse("2026.1.1")));
        Assert.False(row.Affects(OpenClawVersion.Parse(firstFixed)));
        Assert.False(row.Affects(OpenClawVersion.Parse("2027.1.1")));
        Assert.Contains(AdvisoryTable.Default.Matching(OpenClawVersion.Parse(lastAffected)), a => a.Id == id);
        Assert.NotEmpty(row.References);
        Assert.All(row.References, r => Assert.True(Uri.IsWellFormedUriString(r, UriKind.Absolute), r));
        Assert.False(string.IsNullOrWhiteSpace(row.Remediation));
    }

    [Fact]
    public void UnconfirmedRow_GHSA_2f7j_NeverMatches()
    {
        var row = AdvisoryTable.Default.Advisories.Single(a => a.Id == "GHSA-2f7j-rp58-mr42");
        Assert.False(row.Confirmed);
        Assert.Null(row.Fixed);
        Assert.False(row.Affects(OpenClawVersion.Parse("2026.1.1")));
        Assert.False(row.AffectsAllBefore(OpenClawVersion.Parse("2026.1.29")));
    }

    [Fact]
    public void EveryRow_HasATest()
    {
        var tested = Rows.Select(r => (string)r[0]).Append("GHSA-2f7j-rp58-mr42").Order(StringComparer.Ordinal);
        Assert.Equal(tested, AdvisoryTable.Default.Advisories.Select(a => a.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Branding_Clawdbot_BoundsLikelyMatchesToFixesAtOrAfterTheBound()
    {
        var clawdbot = AdvisoryTable.Default.Brandings.Single(b => b.Brand == "Clawdbot");
        var likely = AdvisoryTable.Default.LikelyMatching(clawdbot.LikelyBefore).Select(a => a.Id).ToList();
        Assert.Contains("CVE-2026-25253", likely);
        Assert.Contains("CVE-2026-28466", likely);
        Assert.DoesNotContain("CVE-2026-25593", likely);
        Assert.DoesNotContain("GHSA-2f7j-rp58-mr42", likely);
    }

    [Theory]
    [InlineData("""{"advisories":[{"id":"X","title":"t","severity":"high","confirmed":true,"fixed":null,"remediation":"r"}]}""", "fixed version")]
    [InlineData("""{"advisories":[{"id":"X","title":"t","severity":"urgent","confirmed":true,"fixed":"2026.1.1","remediation":"r"}]}""", "severity")]
    [InlineData("""{"advisories":[{"id":"X","title":"t","severity":"high","confirmed":true,"fixed":"soon","remediation":"r"}]}""", "not a version")]
    [InlineData("""{"advisories":[{"id":"X","title":"t","severity":"high","confirmed":true,"fixed":"2026.1.1","remediation":"r"},{"id":"X","title":"t","severity":"high","confirmed":true,"fixed":"2026.1.1","remediation":"r"}]}""", "twice")]
    public void Parse_BadTable_IsRejectedWithReason(string json, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => AdvisoryTable.Parse(json));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
