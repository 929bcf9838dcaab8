using Warden.Core.Detection;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// URL never reports a part of an e-mail address, also when URL is asked for alone (no e-mail finding for the overlap
/// resolver to prefer): "jane.cole@example.com" held the bare domain "jane.co".
/// </summary>
public sealed class UrlInEmailTests
{
    private static readonly DetectionEngine Engine = new(new DetectionOptions { NamedEntities = false });

    private static readonly string[] Locals = ["jane.cole", "info.de", "sales.com", "a.b.io", "john.smith", "x.co.uk", "team-lead.info", "first_last.net", "ops+alerts.dev", "m.at", "n.it.support", "jane"];
    private static readonly string[] Domains = ["example.com", "mail.example.co.uk", "corp.io", "x.de", "sub.domain.org"];

    [Theory]
    [InlineData("write to jane.cole@example.com today")]
    [InlineData("write to info.de@example.org")]
    [InlineData("cc: team.info+news@mail.example.com, thanks")]
    [InlineData("mail x.co.ukteam@corp.io")]
    public void EmailAddress_UrlAlone_ReportsNothingInsideIt(string text)
    {
        Assert.Empty(Engine.Analyze(text, ["URL"]));
    }

    [Theory]
    [InlineData(4101)]
    [InlineData(4102)]
    [InlineData(4103)]
    public void RandomEmails_UrlAlone_NeverOverlapsAnEmailAddress(int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < 200; i++)
        {
            var text = $"{(rng.Next(2) == 0 ? "see example.com or " : "")}mail {Locals[rng.Next(Locals.Length)]}@{Domains[rng.Next(Domains.Length)]}{new[] { "", ".", ",", " now", ")" }[rng.Next(5)]}";
            var emails = Engine.Analyze(text, ["EMAIL_ADDRESS"]);
            var email = Assert.Single(emails);
            foreach (var url in Engine.Analyze(text, ["URL"]))
            {
                Assert.False(url.Overlaps(email), $"seed {seed} case {i}: URL '{text[url.Start..url.End]}' inside e-mail '{text[email.Start..email.End]}' in \"{text}\"");
            }
        }
    }

    [Theory]
    [InlineData("see example.com, or mail jane@example.org", "example.com")]
    [InlineData("open http://user@example.com/path now", "http://user@example.com/path")]
    [InlineData("visit www.example.co.uk.", "www.example.co.uk")]
    public void RealUrls_NextToOrWithUserInfo_StillFound(string text, string expected)
    {
        var url = Assert.Single(Engine.Analyze(text, ["URL"]));
        Assert.Equal(expected, text[url.Start..url.End]);
    }
}
