using Warden.Scanner.Versioning;

namespace Warden.Scanner.Tests;

public sealed class OpenClawVersionTests
{
    [Theory]
    [InlineData("2026.1.29", 2026, 1, 29, 0, null)]
    [InlineData("v2026.2.21-2", 2026, 2, 21, 2, null)]
    [InlineData(" 2026.3.1-beta.1 ", 2026, 3, 1, 0, "beta.1")]
    [InlineData("2026.12.31", 2026, 12, 31, 0, null)]
    public void Parse_ValidVersions_GivesParts(string text, int y, int m, int d, int rev, string? pre)
    {
        var v = OpenClawVersion.Parse(text);
        Assert.Equal((y, m, d, rev, pre), (v.Year, v.Month, v.Day, v.Revision, v.PreRelease));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2026.1")]
    [InlineData("2026.1.29.1")]
    [InlineData("2026.13.1")]
    [InlineData("2026.1.32")]
    [InlineData("1999.1.1")]
    [InlineData("2026.1.x")]
    [InlineData("2026.1.29-")]
    [InlineData("2026.1.29-2;rm")]
    [InlineData("-2026.1.1")]
    [InlineData("latest")]
    public void TryParse_Invalid_IsRejected(string? text)
    {
        Assert.False(OpenClawVersion.TryParse(text, out _));
    }

    [Theory]
    [InlineData("2026.1.28", "2026.1.29", -1)]
    [InlineData("2026.1.29", "2026.1.29", 0)]
    [InlineData("v2026.1.29", "2026.1.29", 0)]
    [InlineData("2026.1.29-1", "2026.1.29", 1)]
    [InlineData("2026.2.21-2", "2026.2.21-10", -1)]
    [InlineData("2026.3.1-beta.1", "2026.3.1", -1)]
    [InlineData("2026.3.1-beta.1", "2026.3.1-beta.2", -1)]
    [InlineData("2026.2.28", "2026.3.1-beta.1", -1)]
    [InlineData("2026.10.1", "2026.9.30", 1)]
    [InlineData("2027.1.1", "2026.12.31", 1)]
    public void CompareTo_OrdersCalendarReleases(string a, string b, int expected)
    {
        var left = OpenClawVersion.Parse(a);
        var right = OpenClawVersion.Parse(b);
        Assert.Equal(expected, Math.Sign(left.CompareTo(right)));
        Assert.Equal(-expected, Math.Sign(right.CompareTo(left)));
        Assert.Equal(expected == 0, left == right);
        Assert.Equal(expected < 0, left < right);
    }
}
