using System.Globalization;

namespace Warden.Core.Screening;

/// <summary>Reads an inline <c>style</c> (and legacy colour attributes) and says whether the text would be invisible.</summary>
internal static class HtmlStyleInspector
{
    /// <summary>Returns the kind of hiding, or null when the element renders normally.</summary>
    public static FindingKind? Inspect(ReadOnlySpan<char> style, ReadOnlySpan<char> fontColor)
    {
        Span<char> buffer = style.Length <= 512 ? stackalloc char[style.Length] : new char[style.Length];
        var n = 0;
        foreach (var c in style)
        {
            if (!char.IsWhiteSpace(c))
            {
                buffer[n++] = char.ToLowerInvariant(c);
            }
        }

        ReadOnlySpan<char> s = buffer[..n];
        if (s.Contains("display:none", StringComparison.Ordinal) || s.Contains("visibility:hidden", StringComparison.Ordinal)
            || s.Contains("visibility:collapse", StringComparison.Ordinal) || s.Contains("content-visibility:hidden", StringComparison.Ordinal))
        {
            return FindingKind.HtmlHiddenElement;
        }

        if (IsOffscreen(s))
        {
            return FindingKind.HtmlHiddenElement;
        }

        if (NumberAfter(s, "font-size:", out var size, out var unit) && IsTiny(size, unit)
            || NumberAfter(s, "opacity:", out var opacity, out _) && opacity < 0.1
            || NumberAfter(s, "max-height:", out var mh, out _) && mh == 0
            || NumberAfter(s, "height:", out var h, out _) && h == 0 && s.Contains("overflow:hidden", StringComparison.Ordinal)
            || NumberAfter(s, "width:", out var w, out _) && w == 0 && s.Contains("overflow:hidden", StringComparison.Ordinal)
            || s.Contains("transform:scale(0)", StringComparison.Ordinal) || s.Contains("clip:rect(0", StringComparison.Ordinal)
            || s.Contains("clip-path:inset(50%", StringComparison.Ordinal) || s.Contains("clip-path:inset(100%", StringComparison.Ordinal))
        {
            return FindingKind.HtmlZeroSizeText;
        }

        var color = ValueAfter(s, "color:", skipPrefixed: true);
        if (color.IsEmpty && !fontColor.IsEmpty)
        {
            color = fontColor.Trim();
        }

        var background = ValueAfter(s, "background-color:", skipPrefixed: false);
        if (background.IsEmpty)
        {
            background = ValueAfter(s, "background:", skipPrefixed: false);
        }

        if (!color.IsEmpty)
        {
            var fg = Canonical(color);
            if (fg == "transparent")
            {
                return FindingKind.HtmlLowContrastText;
            }

            var bg = background.IsEmpty ? "white" : Canonical(background);
            if (fg == bg)
            {
                return FindingKind.HtmlLowContrastText;
            }
        }

        return null;
    }

    private static bool IsTiny(double size, ReadOnlySpan<char> unit) =>
        unit is "px" or "pt" or "" ? size < 2 : size < 0.1;

    private static bool IsOffscreen(ReadOnlySpan<char> s)
    {
        foreach (var prop in (ReadOnlySpan<string>)["left:", "top:", "text-indent:", "margin-left:", "right:"])
        {
            if (NumberAfter(s, prop, out var v, out _) && v <= -999)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses the number after the first standalone occurrence of <paramref name="prop"/>.</summary>
    private static bool NumberAfter(ReadOnlySpan<char> s, string prop, out double value, out ReadOnlySpan<char> unit)
    {
        value = 0;
        unit = default;
        var v = ValueAfter(s, prop, skipPrefixed: true);
        if (v.IsEmpty)
        {
            return false;
        }

        var i = 0;
        while (i < v.Length && (char.IsAsciiDigit(v[i]) || v[i] is '.' or '-' or '+'))
        {
            i++;
        }

        if (i == 0 || !double.TryParse(v[..i], NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        unit = StripImportant(v[i..]);
        return true;
    }

    /// <summary>Value of a declaration; with <paramref name="skipPrefixed"/>, "color:" does not match "background-color:".</summary>
    private static ReadOnlySpan<char> ValueAfter(ReadOnlySpan<char> s, string prop, bool skipPrefixed)
    {
        var from = 0;
        ReadOnlySpan<char> found = default;
        while (from < s.Length)
        {
            var i = s[from..].IndexOf(prop, StringComparison.Ordinal);
            if (i < 0)
            {
                break;
            }

            i += from;
            if (!skipPrefixed || i == 0 || s[i - 1] is ';' or '{' or '"' or '\'')
            {
                var v = s[(i + prop.Length)..];
                var end = v.IndexOf(';');
                found = end < 0 ? v : v[..end]; // the last declaration wins, as in CSS
            }

            from = i + prop.Length;
        }

        return found;
    }

    private static ReadOnlySpan<char> StripImportant(ReadOnlySpan<char> value)
    {
        var bang = value.IndexOf('!');
        return bang < 0 ? value : value[..bang];
    }

    private static string Canonical(ReadOnlySpan<char> color)
    {
        color = StripImportant(color).Trim();
        var space = color.IndexOf(' ');
        if (space > 0)
        {
            color = color[..space];
        }

        var c = color.ToString().ToLowerInvariant();
        return c switch
        {
            "#fff" or "#ffffff" or "#ffffffff" or "rgb(255,255,255)" or "rgba(255,255,255,1)" or "white" or "hsl(0,0%,100%)" => "white",
            "#000" or "#000000" or "rgb(0,0,0)" or "black" => "black",
            _ when c.StartsWith("rgba(", StringComparison.Ordinal) && (c.EndsWith(",0)", StringComparison.Ordinal) || c.EndsWith(",0.0)", StringComparison.Ordinal)) => "transparent",
            _ when c.Length == 9 && c[0] == '#' && c.EndsWith("00", StringComparison.Ordinal) => "transparent",
            _ => c,
        };
    }
}
