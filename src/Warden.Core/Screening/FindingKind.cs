namespace Warden.Core.Screening;

/// <summary>A place where content can hide text from a human reader but not from a model.</summary>
public enum FindingKind
{
    /// <summary>Unicode tag characters U+E0000–E007F (invisible ASCII smuggling).</summary>
    UnicodeTagCharacters,

    /// <summary>Zero-width characters (ZWSP, ZWNJ, ZWJ outside emoji, word joiner, BOM, invisible operators).</summary>
    ZeroWidthCharacters,

    /// <summary>Bidirectional overrides and isolates (U+202A–202E, U+2066–2069).</summary>
    BidiControl,

    /// <summary>Runs of variation selectors used to encode bytes.</summary>
    VariationSelectorSmuggling,

    /// <summary>Words mixing scripts with look-alike letters (Cyrillic/Greek/fullwidth/math alphanumerics).</summary>
    Confusables,

    /// <summary>HTML comment.</summary>
    HtmlComment,

    /// <summary>Element hidden by <c>display:none</c>, <c>visibility:hidden</c>, <c>hidden</c> or off-screen positioning.</summary>
    HtmlHiddenElement,

    /// <summary>Text with zero font size, zero opacity or zero box.</summary>
    HtmlZeroSizeText,

    /// <summary>Text coloured like its background (white on white, transparent).</summary>
    HtmlLowContrastText,

    /// <summary>Element marked <c>aria-hidden="true"</c>.</summary>
    HtmlAriaHidden,

    /// <summary><c>script</c>, <c>style</c>, <c>template</c> or <c>noscript</c> content.</summary>
    HtmlNonRenderedElement,

    /// <summary><c>meta</c> content.</summary>
    HtmlMetaContent,

    /// <summary>Image alt text far longer than a description (stuffed with text).</summary>
    AltTextStuffing,

    /// <summary>Image or link whose URL carries data to a host that is not allowlisted.</summary>
    ExfiltrationUrl,

    /// <summary>Base64 or hex blob that decodes to text.</summary>
    EncodedBlob,
}
