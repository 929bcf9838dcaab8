namespace Warden.Core.Screening;

/// <summary>
/// A second indirect head and document combiner whose document logit is averaged with the first one's (stop 23, round 17).
/// The first pair (round 7) was trained on BIPIA's attacks and is quiet on clean mail; the second (round 16) was also trained
/// on attacks of many other kinds written for Warden and catches far more of them, but alone it raises clean mail's scores.
/// Each one's false alarms are mostly the other one's quiet cases, so the mean of their document logits keeps most of both
/// strengths. Both pairs share the direct head, and one featurization pass feeds all three heads.
/// </summary>
internal sealed class SecondOpinion
{
    /// <summary>Embedded resource name of the second indirect head.</summary>
    public const string IndirectHead = "injection-indirect-b";

    /// <summary>Embedded resource name of the second combiner.</summary>
    public const string CombinerHead = "injection-document-b";

    /// <summary>The first pair's share of the document logit in the shipped detector.</summary>
    public const float DefaultFirstWeight = 0.5f;

    public SecondOpinion(LinearTextModel indirect, DocumentCombiner combiner, float firstWeight = DefaultFirstWeight)
    {
        ArgumentNullException.ThrowIfNull(indirect);
        ArgumentNullException.ThrowIfNull(combiner);
        if (!float.IsFinite(firstWeight) || firstWeight is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(firstWeight), "the first pair's weight must be in [0, 1]");
        }

        Indirect = indirect;
        Combiner = combiner;
        FirstWeight = firstWeight;
    }

    public LinearTextModel Indirect { get; }

    public DocumentCombiner Combiner { get; }

    /// <summary>The first pair's share w: document logit = w·first + (1 − w)·second.</summary>
    public float FirstWeight { get; }

    /// <summary>The pair shipped in Warden.Core.</summary>
    public static SecondOpinion LoadEmbedded() =>
        new(LinearTextModel.LoadEmbedded(IndirectHead), DocumentCombiner.LoadEmbedded(CombinerHead));

    /// <summary>The mix of two calibrated document logits (each already shifted by its combiner's offset).</summary>
    public float Mix(float first, float second) => (FirstWeight * first) + ((1 - FirstWeight) * second);
}
