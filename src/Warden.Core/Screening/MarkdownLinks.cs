using System.Buffers;
using System.Text;

namespace Warden.Core.Screening;

/// <summary>
/// Neutralises Markdown images and links (<c>![alt](url)</c>, <c>[text](url)</c>, <c>[ref]: url</c>) whose URL
/// could carry data to a host that is not allowlisted. One forward pass; each character is looked at a bounded
/// number of times.
/// </summary>
internal static class MarkdownLinks
{
    private static readonly SearchValues<char> Specials = SearchValues.Create("[]\n");

    public static string Neutralise(string text, FindingCollector findings, UrlGuard urls)
    {
        if (!text.Contains("](", StringComparison.Ordinal) && !text.Contains("]:", StringComparison.Ordinal))
        {
            return text;
        }

        StringBuilder? sb = null;
        var copied = 0;
        var lastOpen = -1;
        for (var i = 0; i < text.Length; i++)
        {
            // Only '[', ']' and '\n' change the state: a vectorised skip over everything else.
            var skip = text.AsSpan(i).IndexOfAny(Specials);
            if (skip < 0)
            {
                break;
            }

            i += skip;
            var c = text[i];
            if (c == '[')
            {
                lastOpen = i;
                continue;
            }

            if (c == '\n' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                lastOpen = -1;
                continue;
            }

            if (c != ']' || lastOpen < 0 || i + 1 >= text.Length)
            {
                continue;
            }

            var open = lastOpen;
            lastOpen = -1;
            var next = text[i + 1];
            var isReference = next == ':' && (open == 0 || text[open - 1] == '\n');
            if (next != '(' && !isReference)
            {
                continue;
            }

            // URL: from after "(" or "]:" up to whitespace or ")"; each char is scanned once.
            var u = i + 2;
            while (u < text.Length && text[u] == ' ' && isReference)
            {
                u++;
            }

            var urlStart = u;
            while (u < text.Length && !char.IsWhiteSpace(text[u]) && (isReference || text[u] != ')'))
            {
                u++;
            }

            var url = text.AsSpan(urlStart, u - urlStart);
            var end = u;
            if (!isReference)
            {
                var close = u < text.Length && text[u] == ')' ? u : text.IndexOf(')', u, Math.Min(256, text.Length - u));
                end = close < 0 ? u : close + 1;
            }

            var isImage = open > 0 && text[open - 1] == '!';
            if (!urls.IsUnsafe(url, isImage, out var host))
            {
                i = end - 1;
                continue;
            }

            var regionStart = isImage ? open - 1 : open;
            findings.Add(FindingKind.ExfiltrationUrl, regionStart, end - regionStart, (isImage ? "image from " : "link to ") + host);
            sb ??= new StringBuilder(text.Length);
            sb.Append(text, copied, regionStart - copied);
            var label = text.AsSpan(open + 1, i - open - 1);
            if (isImage)
            {
                sb.Append("[image removed: ").Append(host).Append(']');
            }
            else if (isReference)
            {
                sb.Append('[').Append(label).Append("]: [link removed: ").Append(host).Append(']');
            }
            else
            {
                sb.Append(label).Append(" [link removed: ").Append(host).Append(']');
            }

            copied = end;
            i = end - 1;
        }

        if (sb is null)
        {
            return text;
        }

        sb.Append(text, copied, text.Length - copied);
        return sb.ToString();
    }
}
