using Warden.Core.Detection;

namespace Warden.Core.Tests.Detection;

/// <summary>
/// Detection results must not move when only speed changes. The digests below were computed with main's detection code
/// (d4c7881, before the detspeed round) over <see cref="DetectionGoldenCorpus"/>: the eval corpora and a seeded 1 MB mixed
/// prompt. A change that alters any finding's type, bounds, score, recognizer or kind on any of these inputs fails here.
/// If a change of behaviour is intended, recompute the digests and say so in the commit. Needs the eval corpora
/// (<c>shared/eval</c> above the repository, or <c>WARDEN_EVAL_DIR</c>) for the eval facts, which skip with that reason
/// where the corpora are absent; the generated-prompt facts need only the repository and run everywhere (their digests
/// were computed with the code before the detspeed round, 7991ede).
/// </summary>
public sealed class DetectionGoldenTests
{
    private static readonly DetectionEngine Structured = new(new DetectionOptions { NamedEntities = false });

    [EvalCorpusFact]
    public void PiiEvalTexts_StructuredAndSecrets_FindingsMatchMain()
    {
        var (digest, count) = DetectionGoldenCorpus.Digest(Structured, DetectionGoldenCorpus.PiiTexts());
        Assert.Equal(("57F1EE702F56ED3179F4F0F9EB705A5CD8BB1FE12B4AF7B30DE4470C0DFE422C", 634), (digest, count));
    }

    [EvalCorpusFact]
    public void PiiEvalTexts_WithNames_FindingsMatchMain()
    {
        var (digest, count) = DetectionGoldenCorpus.Digest(new DetectionEngine(), DetectionGoldenCorpus.PiiTexts());
        Assert.Equal(("96ED91ADF2DD2EDC8641A5960074F32049BC6231364D91E8DB2DEB52D7E8FA1C", 3454), (digest, count));
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
        Assert.Equal(("529D1195585A843D5BDDDFE16202EB3856FE0D00716A3D9B3639A190A8E8ADC4", 7637), (digest, count));
    }

    [EvalCorpusFact]
    public void MixedPrompt_CutIntoTexts_FindingsMatchMain()
    {
        // The same kind of text as many short inputs: text starts and ends cut through values.
        var text = DetectionGoldenCorpus.MixedPrompt(400_000, DetectionGoldenCorpus.PiiTexts(), DetectionGoldenCorpus.SecretTexts(), seed: 7);
        var (digest, count) = DetectionGoldenCorpus.Digest(Structured, DetectionGoldenCorpus.Cut(text, seed: 11));
        Assert.Equal(("1D8073DD20BF0D7E388DBCC68CF243F65C225D9D8FE8C717BCB12C696EDD4FD9", 2849), (digest, count));
    }

    [Fact]
    public void GeneratedPrompt1Mb_OneText_FindingsMatchMain()
    {
        var (digest, count) = DetectionGoldenCorpus.Digest(Structured, [DetectionGoldenCorpus.MixedPrompt(1_048_576, [], [])]);
        Assert.Equal(("E2681C8F5F0B2F1210F0CCC4109841D0198FD751AF3075DAE41E1E28C7553F72", 10927), (digest, count));
    }

    [Fact]
    public void GeneratedPrompt_WithNames_FindingsMatchMain()
    {
        var (digest, count) = DetectionGoldenCorpus.Digest(new DetectionEngine(), [DetectionGoldenCorpus.MixedPrompt(200_000, [], [], seed: 3)]);
        Assert.Equal(("EB6467FF4BDC57FF3F9659817B9BBF712772F9EBFBE228F93E9C8DE6C8115804", 2804), (digest, count));
    }

    [Fact]
    public void GeneratedPrompt_CutIntoTexts_FindingsMatchMain()
    {
        // Many short inputs: text starts and ends cut through values.
        var text = DetectionGoldenCorpus.MixedPrompt(400_000, [], [], seed: 7);
        var (digest, count) = DetectionGoldenCorpus.Digest(Structured, DetectionGoldenCorpus.Cut(text, seed: 11));
        Assert.Equal(("A663686BD36EEA44B5AE119C604CDF626A622449019F87E4E10735E2EBA8BE1A", 4105), (digest, count));
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
