using Warden.Core.Detection;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// Detection results must not move when only speed changes. The digests below are computed over
/// <see cref="DetectionGoldenCorpus"/>: the eval corpora and seeded mixed prompts. A change that alters any finding's type,
/// bounds, score, recognizer or kind on any of these inputs fails here. If a change of behaviour is intended, recompute the
/// digests and say so in the commit; they were last recomputed at stop 21 for the phone layout change (the North American
/// 3-3-4 layout after "+1"/"001" with an area code libphonenumber rejects is reported at 0.5; a bare digit run next to
/// another identifier's name, such as "driver's license number", is not a phone) and for "fax" and "tel" as words that are
/// never names. Needs the eval corpora
/// (<c>shared/eval</c> above the repository, or <c>WARDEN_EVAL_DIR</c>) for the eval facts, which skip with that reason
/// where the corpora are absent; the generated-prompt facts need only the repository and run everywhere.
/// </summary>
public sealed class DetectionGoldenTests
{
    private static readonly DetectionEngine Structured = new(new DetectionOptions { NamedEntities = false });

    [EvalCorpusFact]
    public void PiiEvalTexts_StructuredAndSecrets_FindingsMatchMain()
    {
        var (digest, count) = DetectionGoldenCorpus.Digest(Structured, DetectionGoldenCorpus.PiiTexts());
        Assert.Equal(("89A07CA4837B5E16BE411F5622D2523C353626EE632B0CDA1DEC782400794DF6", 642), (digest, count));
    }

    [EvalCorpusFact]
    public void PiiEvalTexts_WithNames_FindingsMatchMain()
    {
        var (digest, count) = DetectionGoldenCorpus.Digest(new DetectionEngine(), DetectionGoldenCorpus.PiiTexts());
        Assert.Equal(("2D8E50B29FCF0D7BE774D3C60A2479884E0C9196019CBE7CC4AEA2561805A516", 3445), (digest, count));
    }

    [EvalCorpusFact]
    public void SecretEvalTexts_FindingsMatchMain()
    {
        var (digest, count) = DetectionGoldenCorpus.Digest(Structured, DetectionGoldenCorpus.SecretTexts());
        Assert.Equal(("24EA01A9013BC8FE76E1E5B597968FD0A7C559EB619A5D6ABFAF6003D212202F", 194), (digest, count));
    }

    [EvalCorpusFact]
    public void MixedPrompt1Mb_OneText_FindingsMatchMain()
    {
        var text = DetectionGoldenCorpus.MixedPrompt(1_048_576, DetectionGoldenCorpus.PiiTexts(), DetectionGoldenCorpus.SecretTexts());
        var (digest, count) = DetectionGoldenCorpus.Digest(Structured, [text]);
        Assert.Equal(("E0B043A5168345E35EE279D8A09150AD5FE7A282E94ED5BB121EE94A8E48E082", 7694), (digest, count));
    }

    [EvalCorpusFact]
    public void MixedPrompt_CutIntoTexts_FindingsMatchMain()
    {
        // The same kind of text as many short inputs: text starts and ends cut through values.
        var text = DetectionGoldenCorpus.MixedPrompt(400_000, DetectionGoldenCorpus.PiiTexts(), DetectionGoldenCorpus.SecretTexts(), seed: 7);
        var (digest, count) = DetectionGoldenCorpus.Digest(Structured, DetectionGoldenCorpus.Cut(text, seed: 11));
        Assert.Equal(("EFDB5D9F7018EAE2374C506E6A5CC2D7FD066B5AB1EE4568D445F15EF7AAB982", 2863), (digest, count));
    }

    [Fact]
    public void GeneratedPrompt1Mb_OneText_FindingsMatchMain()
    {
        var (digest, count) = DetectionGoldenCorpus.Digest(Structured, [DetectionGoldenCorpus.MixedPrompt(1_048_576, [], [])]);
        Assert.Equal(("2987C63132F07D36236BD85DA818B81C672E8C3C6E37785C8E67FD8A6E913A3E", 11043), (digest, count));
    }

    [Fact]
    public void GeneratedPrompt_WithNames_FindingsMatchMain()
    {
        var (digest, count) = DetectionGoldenCorpus.Digest(new DetectionEngine(), [DetectionGoldenCorpus.MixedPrompt(200_000, [], [], seed: 3)]);
        Assert.Equal(("A30740CF74E43402370389D59A3D5DE4137ADA03379068B64D7D61CD11955957", 2816), (digest, count));
    }

    [Fact]
    public void GeneratedPrompt_CutIntoTexts_FindingsMatchMain()
    {
        // Many short inputs: text starts and ends cut through values.
        var text = DetectionGoldenCorpus.MixedPrompt(400_000, [], [], seed: 7);
        var (digest, count) = DetectionGoldenCorpus.Digest(Structured, DetectionGoldenCorpus.Cut(text, seed: 11));
        Assert.Equal(("33F1A3861B224781699818A5EBA426C57F3A0446E3DAAD254B993DDF3948B7F2", 4136), (digest, count));
    }

    [Fact]
    public void GeneratedPrompt_ReachesEveryStructuredTypeAndManySecretKinds()
    {
        // The digests are only worth something when the corpus reaches the recognizers they guard; the generated
        // prompt alone (what a machine without the eval corpora checks) must reach them.
        var text = DetectionGoldenCorpus.MixedPrompt(1_048_576, [], []);
        var findings = Structured.Analyze(text);
        var types = findings.Select(f => f.Type).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                EntityTypes.EmailAddress, EntityTypes.PhoneNumber, EntityTypes.CreditCard, EntityTypes.IbanCode, EntityTypes.UsSsn, EntityTypes.IpAddress,
                EntityTypes.MacAddress, EntityTypes.Url, EntityTypes.Crypto, EntityTypes.DateTime, EntityTypes.Secret,
            },
            types);
        Assert.True(findings.Where(f => f.Kind is not null).Select(f => f.Kind).Distinct().Count() >= 8);
    }
}
