using Warden.Core.Screening;

namespace Warden.Gateway.Screening;

/// <summary>One validated options snapshot and the screener built from it (swapped whole on reload).</summary>
internal sealed record ScreeningEngine(ScreeningOptions Options, ContentScreener Screener)
{
    /// <summary>Builds the sanitizer and detector for <paramref name="options"/>; the detector reuses the loaded model.</summary>
    public static ScreeningEngine Create(ScreeningOptions options, Func<InjectionDetectorOptions, InjectionDetector> detector) =>
        new(options, new ContentScreener(new ContentSanitizer(options.Sanitizer), detector(options.Detector)));
}
