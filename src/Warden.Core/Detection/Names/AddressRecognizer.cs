using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Names;

/// <summary>
/// Street addresses (reported as LOCATION, Presidio's convention): a street anchor (a street word such as
/// Street/Avenue/Rua/Via/Calle, a street suffix such as -straße/-laan/-veien/-gatan/-tie/ utca, or
/// number + words + number), unit lines (Apt., Suite, Unit … Box, PSC, P.O. Box), military codes
/// (APO/FPO/DPO AA 12345) and zip codes next to them. The block is then extended over the following
/// city, state, country and postal-code lines.
/// </summary>
internal sealed partial class AddressRecognizer : IRecognizer
{
    private readonly Gazetteer _g;

    public AddressRecognizer(Gazetteer? gazetteer = null)
    {
        _g = gazetteer ?? Gazetteer.Shared;
    }

    public string Name => "AddressRecognizer";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Detection.EntityTypes.Location];

    public void Analyze(string text, List<Finding> results)
    {
        var spans = new List<(int Start, int End, double Score)>();
        Collect(text, NumberedStreetWord(), 0.85, spans, checkWords: false);
        Collect(text, NamedStreetWord(), 0.75, spans, checkWords: true);
        Collect(text, PrefixStreet(), 0.8, spans, checkWords: false);
        Collect(text, SuffixStreet(), 0.8, spans, checkWords: false);

        foreach (var m in NumberedStreet().EnumerateMatches(text))
        {
            var s = text.AsSpan(m.Index, m.Length);
            if (PlausibleNumbered(s))
            {
                spans.Add((m.Index, m.Index + m.Length, 0.6));
            }
        }

        foreach (var m in Unit().EnumerateMatches(text))
        {
            spans.Add((m.Index, m.Index + m.Length, 0.7));
        }

        foreach (var m in ZipCue().EnumerateMatches(text))
        {
            // "zip code is 05520", "postal code: 1234 AB": the code itself.
            var s = text.AsSpan(m.Index, m.Length);
            var d = s.IndexOfAnyInRange('0', '9');
            spans.Add((m.Index + d, m.Index + m.Length, 0.75));
        }

        if (spans.Count == 0)
        {
            return;
        }

        spans.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.End.CompareTo(a.End));
        var curStart = -1;
        var curEnd = -1;
        var curScore = 0.0;
        foreach (var (start, end, score) in spans)
        {
            if (curStart >= 0 && (start <= Extend(text, curEnd) || AndGap(text, curEnd, start)))
            {
                curEnd = Math.Max(curEnd, end);
                curScore = Math.Max(curScore, score);
                continue;
            }

            if (curStart >= 0)
            {
                results.Add(new Finding(Detection.EntityTypes.Location, Lead(text, curStart), Extend(text, curEnd), curScore, Name));
            }

            curStart = start;
            curEnd = end;
            curScore = score;
        }

        results.Add(new Finding(Detection.EntityTypes.Location, Lead(text, curStart), Extend(text, curEnd), curScore, Name));
    }

    private static bool AndGap(string text, int end, int start) =>
        start > end && start - end <= 6 && text.AsSpan(end, start - end).Trim() is "and" or "&";

    /// <summary>Pulls the start back over "the corner of " and a leading "Name and ".</summary>
    private static int Lead(string text, int start)
    {
        var before = text.AsSpan(0, start);
        if (before.EndsWith("the corner of ", StringComparison.OrdinalIgnoreCase))
        {
            return start - "the corner of ".Length;
        }

        if (before.EndsWith("the corner ", StringComparison.OrdinalIgnoreCase) && text.AsSpan(start).StartsWith("of ", StringComparison.OrdinalIgnoreCase))
        {
            return start - "the corner ".Length;
        }

        if (before.EndsWith(" and ", StringComparison.Ordinal) && before.Length > 6)
        {
            var i = before.Length - 5;
            var j = i;
            while (j > 0 && char.IsLetter(before[j - 1]))
            {
                j--;
            }

            if (i - j >= 2 && char.IsUpper(before[j]) && (j == 0 || before[j - 1] is ' ' or '\n'))
            {
                return j;
            }
        }

        return start;
    }

    private void Collect(string text, Regex regex, double score, List<(int Start, int End, double Score)> spans, bool checkWords)
    {
        Span<char> lower = stackalloc char[32];
        foreach (var m in regex.EnumerateMatches(text))
        {
            var start = m.Index;
            var end = m.Index + m.Length;
            if ((start > 0 && char.IsLetterOrDigit(text[start - 1])) || (checkWords && !PlausibleNumbered(text.AsSpan(start, end - start), lastIsStreetWord: true)))
            {
                continue;
            }

            // Drop leading common words picked up by the optional word prefix ("add Lisa …").
            while (start < end && char.IsLetter(text[start]))
            {
                var sp = text.IndexOf(' ', start, end - start);
                if (sp < 0)
                {
                    break;
                }

                var w = text.AsSpan(start, Math.Min(sp - start, 32));
                w.ToLowerInvariant(lower);
                if (_g.Rank(lower[..w.Length]) >= 2000)
                {
                    break;
                }

                start = sp + 1;
            }

            spans.Add((start, end, score));
        }
    }

    private bool PlausibleNumbered(ReadOnlySpan<char> s, bool lastIsStreetWord = false)
    {
        // "56 Canelones 2266": the words between the numbers must not be common English words.
        var words = 0;
        Span<char> buffer = stackalloc char[64];
        foreach (var r in s.Split(' '))
        {
            var w = s[r];
            if (w.Length == 0 || char.IsDigit(w[0]))
            {
                continue;
            }

            words++;
            var lower = buffer[..Math.Min(w.Length, 64)];
            w[..lower.Length].ToLowerInvariant(lower);
            if (_g.Rank(lower) < (lastIsStreetWord ? 1500 : 3000))
            {
                return false;
            }
        }

        return words > 0;
    }

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

            var partEnd = AddressPart(text, p);
            if (partEnd <= p)
            {
                return pos;
            }

            pos = partEnd;
        }

        return pos;
    }

    /// <summary>Length of a city/state/country/zip part at <paramref name="p"/> (words up to the line end or comma), or p.</summary>
    private int AddressPart(string text, int p)
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
            Span<char> lower = stackalloc char[Math.Min(s.Length, 80)];
            s[..lower.Length].ToLowerInvariant(lower);
            if (!_g.Countries.Contains(lower) && _g.CityPopulation(lower) < 0)
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

    /// <summary>Number, words, street word: "72 Essex Rd", "21 3314 Harley Brook Lane", "101 Montreal Street 5".</summary>
    [GeneratedRegex(@"\d{1,5}[A-Za-z]?\s(?:\d{1,5}[A-Za-z]?\s)?(?:(?:N\.|S\.|E\.|W\.|\d{1,3}(?:st|nd|rd|th))\s)?(?:\p{L}[\p{L}\p{M}'.\-]*\s){0,4}(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|Way|Court|Ct\.?|Place|Pl\.?|Square|Sq\.?|Terrace|Circle|Parkway|Pkwy|Highway|Hwy|Alley|Crescent|Close|Row|Plaza|Trail|Mews|Grove|Gardens|Walk|Broadway|Esplanade|Quay|Wharf)\b(?:\s\d{1,5}[A-Za-z]?)?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex NumberedStreetWord();

    /// <summary>Capitalised words then a street word, no number: "Salcido Street", "St Marys Rd".</summary>
    [GeneratedRegex(@"(?:\p{Lu}[\p{L}\p{M}'\-]*\s){1,3}(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|Way|Court|Ct\.?|Place|Pl\.?|Square|Sq\.?|Terrace|Circle|Parkway|Pkwy|Highway|Hwy|Alley|Crescent|Close|Row|Plaza|Trail|Mews|Grove|Gardens|Walk|Broadway|Esplanade|Quay|Wharf)\b(?:\s\d{1,5}[A-Za-z]?)?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex NamedStreetWord();

    /// <summary>Street-type word first: "Rua Graciliano Ramos 1950", "Via Capo le Case 143", "Avenue des Tuileries".</summary>
    [GeneratedRegex(@"(?:\d{1,5}\s)?(?:\d{1,5}\s)?(?:Rua|R\.?|Avenida|Av\.|Via|Viale|Vicolo|Piazza|Piazzale|Corso|Largo|Calle|C/|Carrer|Carretera|Camino|Paseo|Plaza|Pasaje|Ronda|Travesía|Rue|Avenue|Boulevard|Bd|Chemin|Impasse|Allée|Quai|Route|Place|Ulica|ul\.|Strada|Travessa|Alameda|Praça|Vila|Rodovia|Estrada|Λεωφ\.|Οδός)\s(?:\p{L}[\p{L}\p{M}'.\-]*\s){0,6}(?:\d{1,5}[A-Za-z]?\b|\p{L}[\p{L}\p{M}'.\-]*)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PrefixStreet();

    /// <summary>Street suffix glued to a name or as a word: "Eskelundsvej 15", "Grolmanstraße 25", "Király u. 23.", "Dózsa György út 78."</summary>
    [GeneratedRegex(@"(?:\d{1,5}\s)?(?:\p{L}[\p{L}\p{M}'.\-]*\s)?\p{L}[\p{L}\p{M}'\-]*(?:straße|strasse|straat|laan|gatan|veien|vegen|vägen|allee|gasse|plein|gracht|steenweg|singel|torget|stræde|plads|gränd|vägen|kuja|katu)\b(?:\s\d{1,5}[A-Za-z]?\.?)?|(?:\d{1,5}\s)?(?:\p{L}[\p{L}\p{M}'.\-]*\s)?\p{L}[\p{L}\p{M}'\-]*(?:gade|vej|weg|tie|gata|dijk|lei|väg|kade|str\.|utca|u\.|út|tér|körút|sor|köz|rakpart|sétány)\s\d{1,5}[A-Za-z]?\.?|(?:\d{1,5}\s)?(?:\p{L}[\p{L}\p{M}'.\-]*\s){1,2}(?:gade|vej|weg|tie|gata|dijk|lei|väg|kade|str\.|utca|u\.|út|tér|körút|sor|köz|rakpart|sétány)\s\d{1,5}\.?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SuffixStreet();

    /// <summary>"56 Canelones 2266", "63 Tylova 42": number, one to three names, number.</summary>
    [GeneratedRegex(@"\d{1,5}\s\p{L}[\p{L}\p{M}'\-]{2,30}(?:\s\p{L}[\p{L}\p{M}'\-]{1,30}){0,2}\s\d{1,5}\b", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex NumberedStreet();

    [GeneratedRegex(@"\b(?:(?:Apt|Apartment|Suite|Ste|Unit|Flat|Room|Floor|apt|suite|unit)\.?\s#?\d{1,6}[A-Za-z]?(?:\sBox\s\d{1,6})?|P\.?\s?O\.?\sBox\s\d{1,6}|PSC\s\d{1,6},\sBox\s\d{1,6}|(?:APO|FPO|DPO)\s(?:AA|AE|AP)\s\d{5}|(?:USNS|USNV|USS|USCGC)\s\p{L}[\p{L}\p{M}'\-]+)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Unit();

    [GeneratedRegex(@"(?:zip|postal|post)\s?code(?:\sis)?:?\s\d{4,5}(?:-\d{4})?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ZipCue();
}
