namespace Warden.Core.Screening;

/// <summary>
/// Removes or neutralises the places where untrusted content can hide instructions from a human reader,
/// and reports each one. Stages run in a fixed order, each linear in the input:
/// HTML (html/markdown) → invisible Unicode → Markdown links/images → encoded blobs → escaped text → confusables.
/// </summary>
public sealed class ContentSanitizer
{
    private readonly SanitizerOptions _options;
    private readonly UrlGuard _urls;

    /// <summary>Creates a sanitizer; the options are validated whole.</summary>
    public ContentSanitizer(SanitizerOptions? options = null)
    {
        _options = options ?? new SanitizerOptions();
        _options.Validate();
        _urls = new UrlGuard(_options.AllowedHosts);
    }

    /// <summary>Sanitizes <paramref name="content"/> read as <paramref name="type"/>.</summary>
    public SanitizedContent Sanitize(string content, ContentType type)
    {
        ArgumentNullException.ThrowIfNull(content);
        var findings = new FindingCollector(_options);
        var text = content;

        // Invisible characters first, so tag names and attributes cannot be split by them either.
        text = InvisibleCharacters.Clean(text, findings);
        if (type is ContentType.Html or ContentType.Markdown)
        {
            text = HtmlVisibleText.Extract(text, markdown: type == ContentType.Markdown, findings, _urls);

            // Character references (&#x200B;) can reintroduce invisible characters.
            text = InvisibleCharacters.Clean(text, findings);
        }

        text = MarkdownLinks.Neutralise(text, findings, _urls);
        text = EncodedBlobs.Decode(text, findings);
        text = EscapedText.Decode(text, findings);
        var (readable, detection) = Confusables.Fold(text, findings);
        return new SanitizedContent(readable, detection, findings.Findings, findings.Payloads);
    }
}
