namespace Warden.Core.Detection.Names;

/// <summary>The extension of a found street line over the city, state, country and postal-code parts that follow it.</summary>
internal sealed partial class AddressRecognizer
{
    /// <summary>Extends an address end over following lines or comma parts that look like city/state/country/zip.</summary>
    private int Extend(string text, int end)
    {
        var pos = end;
        for (var step = 0; step < 6; step++)
        {
            var p = pos;
            // Separator: optional '.', then commas, spaces, newlines (at most two line breaks).
            if (p < text.Length && text[p] == '.' && p + 1 < text.Length && text[p + 1] is ',' or '\n')
            {
                p++;
            }

            var breaks = 0;
            var sepStart = p;
            while (p < text.Length && (text[p] is ' ' or ',' or '\n' or '\r' or '\t' || (breaks > 0 && text[p] is '>' or '?' or '*' or '|')))
            {
                if (text[p] == '\n')
                {
                    breaks++;
                }

                p++;
            }

            if (p == sepStart || breaks > 2 || p >= text.Length)
            {
                return pos;
            }

            var partEnd = AddressPart(text, p, separated: breaks > 0 || text.AsSpan(sepStart, p - sepStart).Contains(','));
            if (partEnd <= p)
            {
                return pos;
            }

            pos = partEnd;
        }

        return pos;
    }

    /// <summary>Length of a city/state/country/zip part at <paramref name="p"/> (words up to the line end or comma), or p.</summary>
    private int AddressPart(string text, int p, bool separated)
    {
        if (p >= text.Length || !char.IsLetterOrDigit(text[p]))
        {
            return p;
        }

        var e = p;
        while (e < text.Length && e - p < 60 && (char.IsLetterOrDigit(text[e]) || text[e] is '\'' or '.' or '-' or ' ' || char.GetUnicodeCategory(text[e]) == System.Globalization.UnicodeCategory.NonSpacingMark))
        {
            if (text[e] == '.' && e + 1 < text.Length && text[e + 1] == ' ')
            {
                break; // end of a sentence
            }

            e++;
        }

        var s = text.AsSpan(p, e - p).TrimEnd();
        if (s.IsEmpty)
        {
            return p;
        }

        if (char.IsDigit(s[0]))
        {
            // A zip code ("56139", "1234 AB", "02134-1234"), then the sentence may go on ("56139 for post mail").
            var run = s.IndexOfAnyExcept(ZipRunChars);
            var lead = run < 0 ? s : s[..run];
            if (lead.Length - lead.Count(' ') - lead.Count('-') - lead.Count('(') - lead.Count(')') > 6)
            {
                return p; // a phone number, not a zip
            }

            var z = s.IndexOf(' ');
            if (z > 0 && z + 3 <= s.Length && char.IsUpper(s[z + 1]) && char.IsUpper(s[z + 2]) && (z + 3 == s.Length || s[z + 3] == ' '))
            {
                z += 3;
            }

            s = z > 0 ? s[..z] : s;
        }
        else if (char.IsUpper(s[0]))
        {
            // Capitalised words only: "Cite Presidentielle Papua New Guinea in case of an issue" stops before "in".
            var cut = s.Length;
            var at = 0;
            foreach (var r in s.Split(' '))
            {
                var w = s[r];
                if (w.Length > 0 && char.IsLower(w[0]) && !NameLexicon.Particles.Contains(w) && w is not ("and" or "of" or "the" or "nan"))
                {
                    cut = at;
                    break;
                }

                at = r.End.Value + 1;
            }

            s = s[..Math.Min(cut, s.Length)].TrimEnd();
            if (s.IsEmpty)
            {
                return p;
            }
        }

        // Digits (zip) or capitalised words (city / country / state) only; stop at sentences and phone numbers.
        var hasZip = s.IndexOfAnyInRange('0', '9') >= 0;
        var digitCount = 0;
        foreach (var ch in s)
        {
            if (char.IsAsciiDigit(ch))
            {
                digitCount++;
            }
        }

        if (digitCount > 6 || (char.IsDigit(s[0]) && (s.Length > 10 || s.IndexOfAnyExceptInRange('0', '9') is >= 0 and var x && s[x] != '-')))
        {
            return p;
        }

        if (e < text.Length && text[e] == '-' && hasZip)
        {
            return p; // "070-073-058-Office"
        }
        var firstUpper = char.IsUpper(s[0]) || char.IsDigit(s[0]) || s.StartsWith("nan");
        if (!firstUpper)
        {
            // Lower-case text: a country or city (optionally followed by a zip), or a short line of uncommon words.
            var core = s.TrimEnd("0123456789- ");
            Span<char> lower = stackalloc char[Math.Min(core.Length, 80)];
            core[..lower.Length].ToLowerInvariant(lower);
            if (!_g.Countries.Contains(lower) && !_g.States.Contains(lower) && _g.CityPopulation(lower) < 0 && !(separated && UncommonWords(core, 5000)))
            {
                return p;
            }
        }

        var words = s.Count(' ') + 1;
        if (words > 5 && !hasZip)
        {
            return p;
        }

        return p + s.Length;
    }
}
