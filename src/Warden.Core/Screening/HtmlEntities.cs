using System.Globalization;

namespace Warden.Core.Screening;

/// <summary>Decodes the character references that matter for reading text (named basics and numeric).</summary>
internal static class HtmlEntities
{
    private static readonly Dictionary<string, string> Named = new(StringComparer.Ordinal)
    {
        ["amp"] = "&", ["lt"] = "<", ["gt"] = ">", ["quot"] = "\"", ["apos"] = "'", ["nbsp"] = "\u00A0",
        ["copy"] = "©", ["reg"] = "®", ["trade"] = "™", ["hellip"] = "…", ["mdash"] = "—", ["ndash"] = "–",
        ["lsquo"] = "‘", ["rsquo"] = "’", ["ldquo"] = "“", ["rdquo"] = "”", ["euro"] = "€", ["pound"] = "£",
        ["auml"] = "ä", ["ouml"] = "ö", ["uuml"] = "ü", ["Auml"] = "Ä", ["Ouml"] = "Ö", ["Uuml"] = "Ü", ["szlig"] = "ß",
        ["zwj"] = "\u200D", ["zwnj"] = "\u200C", ["shy"] = "\u00AD", ["bull"] = "•", ["middot"] = "·",
    };

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Named.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool TryDecode(ReadOnlySpan<char> name, out string value)
    {
        value = string.Empty;
        if (name.Length > 1 && name[0] == '#')
        {
            var hex = name[1] is 'x' or 'X';
            var digits = hex ? name[2..] : name[1..];
            if (digits.IsEmpty || !int.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var cp))
            {
                return false;
            }

            if (cp is <= 0 or > 0x10FFFF || cp is >= 0xD800 and <= 0xDFFF)
            {
                value = "\uFFFD";
                return true;
            }

            value = char.ConvertFromUtf32(cp);
            return true;
        }

        if (Lookup.TryGetValue(name, out var v))
        {
            value = v;
            return true;
        }

        return false;
    }
}
