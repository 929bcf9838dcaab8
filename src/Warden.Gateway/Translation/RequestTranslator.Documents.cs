using System.Text.Json.Nodes;

namespace Warden.Gateway.Translation;

/// <summary>
/// Attached documents across dialects: an OpenAI <c>file</c> part with inline <c>file_data</c> (a base64 data URL) and an
/// Anthropic <c>document</c> block (a base64 PDF, or plain text). What has no counterpart (an OpenAI <c>file_id</c>, which
/// names a file stored at OpenAI; a document by URL; a file that is not a PDF) is refused with 400
/// rather than dropped, so no request leaves without what the user attached.
/// </summary>
internal static partial class RequestTranslator
{
    private const string PdfMediaType = "application/pdf";

    /// <summary>Anthropic <c>document</c> block → OpenAI <c>file</c> part (PDF) or <c>text</c> part (plain text).</summary>
    private static JsonObject DocumentToOpenAI(JsonObject block)
    {
        var source = block["source"] as JsonObject ?? throw Invalid("a 'document' block needs a 'source' object");
        var title = block["title"] is JsonValue t ? (string?)t : null;
        switch ((string?)source["type"])
        {
            case "base64" when (string?)source["media_type"] == PdfMediaType:
                return new JsonObject
                {
                    ["type"] = "file",
                    ["file"] = new JsonObject
                    {
                        ["filename"] = string.IsNullOrEmpty(title) ? "document.pdf" : title,
                        ["file_data"] = "data:" + PdfMediaType + ";base64," + (string?)source["data"],
                    },
                };
            case "text":
                var text = (string?)source["data"] ?? "";
                return new JsonObject { ["type"] = "text", ["text"] = string.IsNullOrEmpty(title) ? text : title + "\n\n" + text };
            case "content":
                return new JsonObject { ["type"] = "text", ["text"] = source["content"] is JsonArray blocks ? JoinText(blocks) : (string?)source["content"] ?? "" };
            default:
                throw Invalid("only base64 PDF, text and content documents can be sent to an OpenAI-format provider");
        }
    }

    /// <summary>OpenAI <c>file</c> part (inline <c>file_data</c>) → Anthropic <c>document</c> block.</summary>
    private static JsonObject FileToAnthropic(JsonObject file)
    {
        var data = (string?)file["file_data"] ?? throw Invalid("only a 'file' part with inline 'file_data' can be sent to an Anthropic-format provider ('file_id' names a file stored at OpenAI)");
        var comma = data.IndexOf(',', StringComparison.Ordinal);
        var header = comma > 0 && data.StartsWith("data:", StringComparison.Ordinal) ? data[5..comma] : null;
        var payload = comma > 0 ? data[(comma + 1)..] : data;
        var mediaType = header is null ? PdfMediaType : header.Replace(";base64", "", StringComparison.Ordinal);
        var document = new JsonObject { ["type"] = "document" };
        // Only PDFs: a base64 text file would have to be decoded into text after scrubbing ran (base64 payloads are left as
        // they came), so it is refused; send its text as a text part instead.
        if (mediaType != PdfMediaType)
        {
            throw Invalid("only PDF files can be sent to an Anthropic-format provider; send text as a text part");
        }

        document["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = PdfMediaType, ["data"] = payload };
        if (file["filename"] is JsonValue name && (string?)name is { Length: > 0 } filename)
        {
            document["title"] = filename;
        }

        return document;
    }

    private static string Truncate(string? type) => type is null ? "(untyped)" : type.Length <= 40 ? type : type[..40] + "…";
}
