namespace Warden.Core.Tests.Detection;

/// <summary>
/// A fact over the eval corpora (<c>../shared/eval</c>, or <c>WARDEN_EVAL_DIR</c>). They are tuning data kept outside the
/// repository, so a clean clone on a machine without them skips these facts with that reason; the repository-only
/// golden facts (<see cref="DetectionGoldenTests"/>'s generated prompts) run everywhere.
/// </summary>
internal sealed class EvalCorpusFactAttribute : FactAttribute
{
    public EvalCorpusFactAttribute()
    {
        if (DetectionGoldenCorpus.FindEvalDirectory() is null)
        {
            Skip = "the eval corpora (shared/eval) are not on this machine; set WARDEN_EVAL_DIR to run this golden check";
        }
    }
}
