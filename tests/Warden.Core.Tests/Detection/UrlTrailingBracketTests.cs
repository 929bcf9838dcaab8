using Warden.Core.Detection;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// A URL's trailing sentence punctuation is trimmed, a closing bracket only while it has no opening partner in the URL
/// (the brackets are counted once and kept up to date, no longer recounted per trimmed bracket).
/// </summary>
public sealed class UrlTrailingBracketTests
{
    private static readonly DetectionEngine Engine = new(new DetectionOptions { NamedEntities = false });

    [Theory]
    [InlineData("(see https://en.wikipedia.org/wiki/Foo_(bar))", "https://en.wikipedia.org/wiki/Foo_(bar)")]
    [InlineData("(see https://example.com/a).", "https://example.com/a")]
    [InlineData("[https://example.com/x[1]]", "https://example.com/x[1]")]
    [InlineData("{url: https://example.com/{id}}", "https://example.com/{id}")]
    [InlineData("see https://example.com/a)]}.,;", "https://example.com/a")]
    [InlineData("see https://example.com/(a]).", "https://example.com/(a])")]
    [InlineData("go to example.com/path).", "example.com/path")]
    public void TrailingBrackets_OnlyUnbalancedOnesAreTrimmed(string text, string expected)
    {
        var url = Assert.Single(Engine.Analyze(text, ["URL"]));
        Assert.Equal(expected, text[url.Start..url.End]);
    }

    [Theory]
    [InlineData(")", 20_000)]
    [InlineData(").", 10_000)]
    [InlineData("]}", 10_000)]
    public void LongRunOfClosingBrackets_AllTrimmed(string tail, int repeat)
    {
        var text = "see https://example.com/a" + string.Concat(Enumerable.Repeat(tail, repeat));
        var url = Assert.Single(Engine.Analyze(text, ["URL"]));
        Assert.Equal("https://example.com/a", text[url.Start..url.End]);
    }
}
