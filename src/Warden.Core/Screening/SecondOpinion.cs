namespace Warden.Core.Screening;

/// <summary>
/// More indirect heads and document combiners whose document logits are mixed with the first one's (stop 23, round 17; a third
/// pair since stop 24, round 19). The first pair (round 7) was trained on BIPIA's attacks and is quiet on clean mail; the second
/// (round 16) and the third (round 19) were also trained on attacks of many other kinds written for Warden, the third with more
/// authors' attacks, emails and documents. Alone, each of the later pairs catches far more of those attacks but raises clean
/// mail's scores; their false alarms fall mostly on mail the others are quiet on, so the weighted mean of the document logits
/// keeps most of each one's strength. All pairs share the direct head, and one featurization pass feeds every head.
/// </summary>
internal sealed class SecondOpinion
{
    /// <summary>Embedded resource name of the second indirect head.</summary>
    public const string IndirectHead = "injection-indirect-b";

    /// <summary>Embedded resource name of the second combiner.</summary>
    public const string CombinerHead = "injection-document-b";

    /// <summary>Embedded resource name of the third indirect head.</summary>
    public const string ThirdIndirectHead = "injection-indirect-c";

    /// <summary>Embedded resource name of the third combiner.</summary>
    public const string ThirdCombinerHead = "injection-document-c";

    /// <summary>The first pair's share of the document logit in the shipped detector.</summary>
    public const float DefaultFirstWeight = 0.5f;

    /// <summary>The third pair's share of the document logit in the shipped detector (the second pair has the rest).</summary>
    public const float DefaultThirdWeight = 0.25f;

    /// <summary>A second pair only: document logit = w·first + (1 − w)·second.</summary>
    public SecondOpinion(LinearTextModel indirect, DocumentCombiner combiner, float firstWeight = DefaultFirstWeight)
        : this(indirect, combiner, null, null, firstWeight, 0)
    {
    }

    /// <summary>A second and an optional third pair: document logit = w1·first + (1 − w1 − w3)·second + w3·third.</summary>
    public SecondOpinion(LinearTextModel indirect, DocumentCombiner combiner, LinearTextModel? thirdIndirect, DocumentCombiner? thirdCombiner, float firstWeight, float thirdWeight)
    {
        ArgumentNullException.ThrowIfNull(indirect);
        ArgumentNullException.ThrowIfNull(combiner);
        if ((thirdIndirect is null) != (thirdCombiner is null))
        {
            throw new ArgumentException("a third pair needs both its indirect head and its combiner", nameof(thirdCombiner));
        }

        if (!float.IsFinite(firstWeight) || firstWeight is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(firstWeight), "the first pair's weight must be in [0, 1]");
        }

        if (!float.IsFinite(thirdWeight) || thirdWeight < 0 || firstWeight + thirdWeight > 1 || (thirdIndirect is null && thirdWeight != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(thirdWeight), "the third pair's weight must be in [0, 1 − first weight], and 0 without a third pair");
        }

        Indirect = indirect;
        Combiner = combiner;
        ThirdIndirect = thirdIndirect;
        ThirdCombiner = thirdCombiner;
        FirstWeight = firstWeight;
        ThirdWeight = thirdWeight;
    }

    public LinearTextModel Indirect { get; }

    public DocumentCombiner Combiner { get; }

    public LinearTextModel? ThirdIndirect { get; }

    public DocumentCombiner? ThirdCombiner { get; }

    /// <summary>The first pair's share w1.</summary>
    public float FirstWeight { get; }

    /// <summary>The third pair's share w3 (0 without a third pair).</summary>
    public float ThirdWeight { get; }

    /// <summary>The pairs shipped in Warden.Core.</summary>
    public static SecondOpinion LoadEmbedded() =>
        new(LinearTextModel.LoadEmbedded(IndirectHead), DocumentCombiner.LoadEmbedded(CombinerHead),
            LinearTextModel.LoadEmbedded(ThirdIndirectHead), DocumentCombiner.LoadEmbedded(ThirdCombinerHead), DefaultFirstWeight, DefaultThirdWeight);

    /// <summary>The mix of the calibrated document logits, each already shifted by its combiner's offset (the third is ignored without a third pair).</summary>
    public float Mix(float first, float second, float third) =>
        (FirstWeight * first) + ((1 - FirstWeight - ThirdWeight) * second) + (ThirdWeight * third);
}
