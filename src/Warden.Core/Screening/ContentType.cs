namespace Warden.Core.Screening;

/// <summary>How to read untrusted content.</summary>
public enum ContentType
{
    /// <summary>Plain text: no markup is interpreted except Markdown image/link syntax.</summary>
    Text,

    /// <summary>HTML: only what a browser would render survives.</summary>
    Html,

    /// <summary>Markdown, which may embed raw HTML.</summary>
    Markdown,
}
