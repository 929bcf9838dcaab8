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
    private static readonly System.Collections.Frozen.FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> StreetWords =
        System.Collections.Frozen.FrozenSet.ToFrozenSet(
            ["street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "drive", "dr", "boulevard", "blvd", "way", "court", "ct", "place", "pl", "square", "sq", "terrace", "circle", "parkway", "pkwy", "highway", "hwy", "alley", "crescent", "close", "row", "plaza", "trail", "mews", "grove", "gardens", "walk", "broadway", "esplanade", "quay", "wharf"],
            StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

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
        Collect(text, NumberedStreetWord(), 0.85, spans, checkWords: false, dropLeading: true);
        Collect(text, NamedStreetWord(), 0.75, spans, checkWords: true, dropLeading: false);
        Collect(text, PrefixStreet(), 0.8, spans, checkWords: false, dropLeading: false);
        Collect(text, SuffixStreet(), 0.8, spans, checkWords: false, dropLeading: true);

        foreach (var m in NumberedStreet().EnumerateMatches(text))
        {
            var s = text.AsSpan(m.Index, m.Length);
            if (PlausibleNumbered(s))
            {
                spans.Add((m.Index, m.Index + m.Length, 0.6));
            }
        }

        foreach (var m in Intersection().EnumerateMatches(text))
        {
            // "Neville and Democracia 4183": a name, "and", a street name and a house number.
            var and = text.IndexOf(" and ", m.Index, m.Length, StringComparison.Ordinal);
            if (PlausibleNumbered(text.AsSpan(and + 5, m.Index + m.Length - and - 5)))
            {
                spans.Add((m.Index, m.Index + m.Length, 0.6));
            }
        }

        foreach (var m in CityStateZip().EnumerateMatches(text))
        {
            spans.Add((m.Index, m.Index + m.Length, 0.6));
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
            if (curStart >= 0 && (start <= Extend(text, curEnd) || AndGap(text, curEnd, start) || SmallGap(text, curEnd, start)))
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

    /// <summary>Only spaces, commas and at most one line break between two parts: one address.</summary>
    private static bool SmallGap(string text, int end, int start) =>
        start > end && start - end <= 4 && text.AsSpan(end, start - end).IndexOfAnyExcept(" ,\n\t") < 0 && text.AsSpan(end, start - end).Count('\n') <= 1;

    private static bool AndGap(string text, int end, int start) =>
        start > end && start - end <= 6 && text.AsSpan(end, start - end).Trim() is "and" or "&";

    /// <summary>
    /// Pulls the start back over "the corner of …", a leading "Name and ", a street line right above a block that
    /// starts a line ("02 30 N. Stadion⏎ Suite 256"), and uncommon words before a house number on the same line
    /// ("Långlöt 44 Horký Street").
    /// </summary>
    private int Lead(string text, int start)
    {
        var before = text.AsSpan(0, start);
        var window = before[Math.Max(0, start - 60)..];
        var corner = window.LastIndexOf("the corner of ", StringComparison.OrdinalIgnoreCase);
        if (corner >= 0 && window[(corner + 14)..].IndexOfAny('\n', ',', ';') < 0)
        {
            return start - window.Length + corner;
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

        var lineStart = start;
        while (lineStart > 0 && text[lineStart - 1] is not '\n')
        {
            lineStart--;
        }

        var head = text.AsSpan(lineStart, start - lineStart);
        var marker = head.IndexOfAnyExcept(LineMarkers);
        if (marker < 0)
        {
            return lineStart > 0 ? PreviousStreetLine(text, lineStart - 1, start) : start;
        }

        var lead = head[marker..].TrimEnd();
        if ((char.IsDigit(text[start]) && UncommonWords(lead)) || (lead.Length <= 5 && lead.IndexOfAnyExceptInRange('0', '9') < 0 && head.EndsWith(" ")))
        {
            return lineStart + marker; // "Långlöt 44 Horký Street", "43 p.o. box 178"
        }

        return start;
    }

    private static readonly System.Buffers.SearchValues<char> ZipRunChars = System.Buffers.SearchValues.Create("0123456789 -()");

    private static readonly System.Buffers.SearchValues<char> LineMarkers = System.Buffers.SearchValues.Create(" \t>?*|-");

    /// <summary>The line ending at <paramref name="newline"/> when it looks like a street line (a number and a few words).</summary>
    private static int PreviousStreetLine(string text, int newline, int start)
    {
        var ls = text.LastIndexOf('\n', Math.Max(0, newline - 1)) + 1;
        if (ls > newline)
        {
            return start;
        }

        var line = text.AsSpan(ls, newline - ls);
        var marker = line.IndexOfAnyExcept(LineMarkers);
        if (marker < 0)
        {
            return start;
        }

        var body = line[marker..].TrimEnd();
        var digits = 0;
        var letters = 0;
        foreach (var ch in body)
        {
            if (char.IsAsciiDigit(ch))
            {
                digits++;
            }
            else if (char.IsLetter(ch))
            {
                letters++;
            }
        }

        if (body.Length is < 4 or > 60 || !char.IsDigit(body[0]) || digits > 8 || letters < 2 || body.IndexOfAny('@', ':', ',') >= 0 || body.Count(' ') > 6 || (body[^1] == '.' && body.Length - body.LastIndexOf(' ') > 5))
        {
            return start;
        }

        return ls + marker;
    }

    /// <summary>One to four words, none of them a common English word (particles allowed).</summary>
    private bool UncommonWords(ReadOnlySpan<char> s, int minRank = 2000)
    {
        if (s.IsEmpty || s.Length > 60)
        {
            return false;
        }

        Span<char> buffer = stackalloc char[64];
        var words = 0;
        foreach (var r in s.Split(' '))
        {
            var w = s[r];
            if (w.Length == 0)
            {
                continue;
            }

            if (++words > 4 || !char.IsLetter(w[0]) || !char.IsLetter(w[^1]))
            {
                return false;
            }

            var lower = buffer[..w.Length];
            w.ToLowerInvariant(lower);
            if (_g.Rank(lower) < minRank && !NameLexicon.Particles.Contains(lower))
            {
                return false;
            }
        }

        return words > 0;
    }

    private void Collect(string text, Regex regex, double score, List<(int Start, int End, double Score)> spans, bool checkWords, bool dropLeading)
    {
        Span<char> lower = stackalloc char[32];
        foreach (var m in regex.EnumerateMatches(text))
        {
            var start = m.Index;
            var end = m.Index + m.Length;
            if (start > 0 && char.IsLetterOrDigit(text[start - 1]))
            {
                continue;
            }

            // Drop leading common words picked up by the optional word prefix ("add Lisa …", "shows on X Street").
            while (dropLeading && start < end && char.IsLetter(text[start]))
            {
                var sp = text.IndexOf(' ', start, end - start);
                if (sp < 0)
                {
                    break;
                }

                var w = text.AsSpan(start, Math.Min(sp - start, 32));
                w.ToLowerInvariant(lower);
                if (_g.Rank(lower[..w.Length]) >= 2000 || StreetWords.Contains(w))
                {
                    break;
                }

                start = sp + 1;
            }

            if (checkWords)
            {
                // Named streets: keep only the name words right before the street word ("shop on Wrzosowa Street").
                start = NamedStart(text, start, end);
                if (start < 0 || !PlausibleNamed(text.AsSpan(start, end - start)))
                {
                    continue;
                }
            }

            spans.Add((start, end, score));
        }
    }

    private bool PlausibleNumbered(ReadOnlySpan<char> s)
    {
        // "56 Canelones 2266", "65 Alt Reinickendorf 86": at least one word is no common English word, and at most
        // one is (and that one is not a function word).
        var words = 0;
        var common = 0;
        Span<char> buffer = stackalloc char[64];
        foreach (var r in s.Split(' '))
        {
            var w = s[r].TrimEnd('.');
            if (w.Length == 0 || char.IsDigit(w[0]))
            {
                continue;
            }

            words++;
            var lower = buffer[..Math.Min(w.Length, 64)];
            w[..lower.Length].ToLowerInvariant(lower);
            var rank = _g.Rank(lower);
            if (rank < 300 && w.Length > 1)
            {
                return false;
            }

            if (rank < 3000)
            {
                common++;
            }
        }

        return words > 0 && common < words && common <= 1;
    }

    /// <summary>"Salcido Street", "Old Spallumcheen Rd", "panković street": a name before the street word that is no common word.</summary>
    /// <summary>Start of the words before the street word that can be a street's name (capitalised, or no common word); -1 when none.</summary>
    private int NamedStart(string text, int start, int end)
    {
        var streetWord = text.LastIndexOf(' ', end - 1, end - start);
        while (streetWord > start && char.IsDigit(text[streetWord + 1]))
        {
            streetWord = text.LastIndexOf(' ', streetWord - 1, streetWord - start); // "Harley Lane 5": skip the number
        }

        var best = -1;
        var pos = streetWord;
        Span<char> lower = stackalloc char[64];
        while (pos > start)
        {
            var ws = text.LastIndexOf(' ', pos - 1, pos - start) + 1;
            ws = Math.Max(ws, start);
            var w = text.AsSpan(ws, pos - ws);
            if (w.IsEmpty || w.Length > 64)
            {
                break;
            }

            w.ToLowerInvariant(lower);
            var rank = _g.Rank(lower[..w.Length]);
            if (!(rank == int.MaxValue || (char.IsUpper(w[0]) && rank >= 100)))
            {
                break;
            }

            best = ws;
            pos = ws - 1;
        }

        return best;
    }

    private bool PlausibleNamed(ReadOnlySpan<char> s)
    {
        Span<char> buffer = stackalloc char[64];
        var named = 0;
        var words = 0;
        foreach (var r in s.Split(' '))
        {
            var w = s[r].TrimEnd('.');
            if (w.Length == 0 || char.IsDigit(w[0]) || StreetWords.Contains(w))
            {
                continue;
            }

            words++;
            var lower = buffer[..Math.Min(w.Length, 64)];
            w[..lower.Length].ToLowerInvariant(lower);
            var rank = _g.Rank(lower);
            if (rank < 100 || (char.IsLower(w[0]) && rank != int.MaxValue))
            {
                return false;
            }

            if (rank >= 1500)
            {
                named++;
            }
        }

        return named > 0 && named >= words - 1;
    }
}
