namespace Warden.Core.Screening;

/// <summary>Sanitize → detect → spotlight, the whole screening pipeline for one piece of content.</summary>
public sealed class ContentScreener(ContentSanitizer sanitizer, InjectionDetector detector)
{
    /// <summary>Screens <paramref name="content"/>; <paramref name="source"/> only labels the delimiters.</summary>
    public ScreeningResult Screen(string content, ContentType type, SpotlightMode mode, string? source = null)
    {
        var sanitized = sanitizer.Sanitize(content, type);
        var assessment = detector.Assess(sanitized);
        var spotlighted = Spotlighter.Apply(sanitized.Text, mode, source);
        return new ScreeningResult(sanitized, spotlighted, assessment);
    }
}
