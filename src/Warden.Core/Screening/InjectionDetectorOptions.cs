namespace Warden.Core.Screening;

/// <summary>Detector settings (immutable snapshot).</summary>
public sealed record InjectionDetectorOptions
{
    /// <summary>Decision threshold on the score.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Whether the hand-written rules run.</summary>
    public bool UseRules { get; init; } = true;

    /// <summary>Whether the trained classifier runs.</summary>
    public bool UseClassifier { get; init; } = true;

    /// <summary>Validates the snapshot as a whole.</summary>
    public void Validate()
    {
        if (Threshold is <= 0 or > 1 || double.IsNaN(Threshold))
        {
            throw new ArgumentException("detector threshold must be in (0, 1]");
        }

        if (!UseRules && !UseClassifier)
        {
            throw new ArgumentException("at least one of rules and classifier must run");
        }
    }
}
