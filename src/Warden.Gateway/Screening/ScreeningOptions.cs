using Warden.Core.Screening;

namespace Warden.Gateway.Screening;

/// <summary>Settings for <c>POST /api/screen</c> (immutable snapshot, validated whole).</summary>
public sealed record ScreeningOptions
{
    /// <summary>Injection decision threshold.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Spotlighting mode used when the request does not name one.</summary>
    public SpotlightMode DefaultMode { get; init; } = SpotlightMode.Datamark;

    /// <summary>Hosts that images and links may send data to.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Largest <c>content</c> accepted, in characters.</summary>
    public int MaxContentChars { get; init; } = 10 * 1024 * 1024;

    /// <summary>Throws <see cref="ArgumentException"/> when any setting is out of range.</summary>
    public void Validate()
    {
        new InjectionDetectorOptions { Threshold = Threshold }.Validate();
        new SanitizerOptions { AllowedHosts = AllowedHosts }.Validate();
        if (MaxContentChars < 1)
        {
            throw new ArgumentException("MaxContentChars must be positive");
        }
    }
}
