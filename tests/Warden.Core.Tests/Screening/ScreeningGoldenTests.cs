using Warden.Core.Screening;

namespace Warden.Core.Tests.Screening;

/// <summary>
/// Screening outputs must not move when only speed changes. The digest below was computed with main's screening code
/// (before the screening speed round, c7b67c7) over <see cref="ScreeningGoldenCorpus"/>; a change that alters any
/// sanitized text, finding, payload, score, decision or signal on any of these inputs fails here. If a change of
/// behaviour is intended (new rules, a retrained model), recompute the digest and say so in the commit. Computed with
/// invariant globalization on, as every Warden project builds (Directory.Build.props); casing of some non-ASCII text differs without it.
/// Recomputed at stop 22 for round 14c (four new rules, a model retrained with the training attacks of attacks22, combiner format 6),
/// and at stop 23 for the round 17 candidate (round 7's files plus a second indirect pair, round 16's, whose document logit is averaged in),
/// and at stop 24 for the round 19 candidate (a third pair, mixed 0.5 / 0.25 / 0.25, and `about_the_user` strong and negatable). Before
/// that recomputation the refactored code was checked against the old digest with two pairs and the old rule: it passed unchanged.
/// </summary>
public sealed class ScreeningGoldenTests
{
    private const string MainDigest = "03EB8C0ADFCEC3319F3328432C092985405C0F2E23F26D10E27B4EF13259AEFC";

    [Fact]
    public void GeneratedCorpus_EveryContentType_OutputsMatchMain()
    {
        Assert.Equal(MainDigest, ScreeningGoldenCorpus.Digest(600));
    }

    [Fact]
    public void GeneratedCorpus_CoversHidingPlacesAndRules()
    {
        // The digest is only worth something when the corpus reaches the paths it guards.
        var sanitizer = new ContentSanitizer();
        var detector = new InjectionDetector();
        var kinds = new HashSet<FindingKind>();
        var signals = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in ScreeningGoldenCorpus.Inputs(600))
        {
            var s = sanitizer.Sanitize(input, ContentType.Html);
            kinds.UnionWith(s.Findings.Select(f => f.Kind));
            signals.UnionWith(detector.Assess(s).Signals.Select(g => g.Id));
        }

        Assert.Superset(
            new HashSet<FindingKind>
            {
                FindingKind.UnicodeTagCharacters, FindingKind.ZeroWidthCharacters, FindingKind.BidiControl, FindingKind.VariationSelectorSmuggling,
                FindingKind.Confusables, FindingKind.HtmlComment, FindingKind.HtmlHiddenElement, FindingKind.HtmlZeroSizeText,
                FindingKind.HtmlLowContrastText, FindingKind.HtmlAriaHidden, FindingKind.HtmlNonRenderedElement, FindingKind.HtmlMetaContent,
                FindingKind.AltTextStuffing, FindingKind.ExfiltrationUrl, FindingKind.EncodedBlob,
            },
            kinds);
        Assert.Contains("classifier", signals);
        Assert.Contains("rule.ignore_previous", signals);
        Assert.Contains(signals, s => s.StartsWith("hidden.", StringComparison.Ordinal));
    }
}
