using Warden.Core.Screening;

namespace Warden.Core.Tests.Screening;

public sealed class SanitizerRoundTripTests
{
    private static readonly ContentSanitizer Sanitizer = new();

    private const string Article = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Release notes 4.2</title>
        <style>body { font-family: sans-serif }</style><script>window.dataLayer = [];</script></head>
        <body><header><nav><a href="/">Home</a> | <a href="/docs">Docs</a></nav></header>
        <main><h1>Release notes 4.2</h1>
        <p>This release adds <strong>streaming exports</strong> and fixes 14 bugs.</p>
        <ul><li>Exports now stream in chunks of 1&nbsp;MB.</li><li>The CLI prints progress &amp; ETA.</li></ul>
        <p>Upgrade with <code>pkg upgrade tool</code> &ndash; no downtime needed.</p>
        <table><tr><td>Version</td><td>4.2.0</td></tr></table>
        <p>Questions? Write to <a href="mailto:support@example.com">support</a>.</p></main>
        <footer>© 2025 Example Corp</footer></body></html>
        """;

    [Fact]
    public void Html_VisibleText_SurvivesSanitizing()
    {
        var r = Sanitizer.Sanitize(Article, ContentType.Html);
        foreach (var visible in new[]
        {
            "Release notes 4.2", "This release adds streaming exports and fixes 14 bugs.", "Exports now stream in chunks of 1 MB.",
            "The CLI prints progress & ETA.", "Upgrade with pkg upgrade tool – no downtime needed.", "Version", "4.2.0",
            "Questions? Write to support.", "© 2025 Example Corp", "Home | Docs",
        })
        {
            Assert.Contains(visible, r.Text.Replace('\u00A0', ' '), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("dataLayer", r.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("font-family", r.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainText_WithoutHidingPlaces_IsUnchanged()
    {
        var text = "Hi David,\n\nYour card ••4605 was charged $2,099.00 by MIXPANEL, INC. (see https://mercury.com/tx?id=77).\nIf <this> is wrong, reply & we'll fix it. Grüße, 山田 😀";
        var r = Sanitizer.Sanitize(text, ContentType.Text);
        Assert.Equal(text, r.Text);
        Assert.Equal(text, r.DetectionText);
        Assert.Empty(r.Findings);
    }

    [Fact]
    public void Markdown_ReadableText_KeptWithLayout()
    {
        var md = "# Title\n\nSome *emphasis* and a [link](https://example.org/docs).\n\n- item one\n- item two\n";
        var r = Sanitizer.Sanitize(md, ContentType.Markdown);
        Assert.Equal(md, r.Text);
        Assert.Empty(r.Findings);
    }

    [Theory]
    [InlineData("<div><div><div>")]
    [InlineData("<!-- never closed")]
    [InlineData("<script>never closed")]
    [InlineData("<a href=\"unterminated")]
    [InlineData("<<<>>>&&&;;;&#xFFFFFFFF;&#0;</></x>")]
    [InlineData("[[[[[](((((![](")]
    public void MalformedMarkup_Sanitizes_WithoutThrowing(string input)
    {
        foreach (var type in new[] { ContentType.Text, ContentType.Html, ContentType.Markdown })
        {
            var r = Sanitizer.Sanitize(input + " tail", type);
            Assert.NotNull(r.Text);
        }
    }

    [Fact]
    public void DeepNesting_HiddenBeyondDepthLimit_StaysHiddenAndBounded()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 5000)) + "<div style=\"display:none\">secret</div>" + string.Concat(Enumerable.Repeat("</div>", 5000)) + "after";
        var r = Sanitizer.Sanitize(html, ContentType.Html);
        Assert.DoesNotContain("secret", r.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ManyFindings_AreBounded()
    {
        var html = string.Concat(Enumerable.Repeat("<!-- x -->", 50_000));
        var r = Sanitizer.Sanitize(html, ContentType.Html);
        Assert.True(r.Findings.Count <= new SanitizerOptions().MaxFindings);
        Assert.True(r.HiddenPayloads.Count <= new SanitizerOptions().MaxPayloads);
    }

    [Fact]
    public void InvalidOptions_AreRejectedWhole()
    {
        Assert.Throws<ArgumentException>(() => new ContentSanitizer(new SanitizerOptions { AllowedHosts = ["https://x.example/"] }));
        Assert.Throws<ArgumentException>(() => new ContentSanitizer(new SanitizerOptions { MaxAltTextChars = 0 }));
    }
}
