namespace Warden.Core.Detection.Names;

internal sealed partial class NamedEntityRecognizer
{
    private static readonly System.Buffers.SearchValues<char> LinePrefixChars = System.Buffers.SearchValues.Create("?>*-| \t");

    private static bool Cap(in Token t) => t.Shape is Shape.Title or Shape.Upper or Shape.Mixed;

    /// <summary>Mr./Dr./Mrs. X Y and "my name is X": the following capitalised words are a person whatever the lists say.</summary>
    private static void TitledPersons(Ctx c)
    {
        for (var i = 0; i < c.N - 1; i++)
        {
            var w = c.Word(i);
            var titled = c.Is(i, Lex.Title) && (c.Tokens[i].Shape != Shape.Lower || w.Length > 3 || (c.Tokens[i].End < c.Text.Length && c.Text[c.Tokens[i].End] == '.'));
            var named = (w is "name" or "named" or "called") && c.Tokens[i + 1].Start - c.Tokens[i].End <= 5
                || (w == "is" && i > 0 && c.Word(i - 1) is "name");
            if (!titled && !named)
            {
                continue;
            }

            var j = i + 1;
            if (named && c.Word(j) is "is")
            {
                j++;
            }

            if (j >= c.N || c.Tokens[j].Start - c.Tokens[j - 1].End > 6)
            {
                continue;
            }

            var k = j;
            while (k < c.N && k - j < 4 && (Cap(c.Tokens[k]) || c.AnyName(k)) && !c.Is(k, Lex.NotName))
            {
                if (!c.Joined(k))
                {
                    k++;
                    break;
                }

                k++;
            }

            if (k > j && c.Free(j, k - 1))
            {
                // The title belongs to the name span ("Dr. Peter Garcia").
                c.Set(titled ? i : j, k - 1, Per, 0.85);
            }
        }
    }

    /// <summary>"Smith Ltd.", "Graham, Ochoa and Vasquez", "Wilson &amp; Company", "Thomas-James": organisation shapes.</summary>
    private static void SuffixOrganizations(Ctx c)
    {
        for (var i = 1; i < c.N; i++)
        {
            var t = c.Tokens[i];
            if (!Cap(t) || !c.Is(i, Lex.OrgSuffix) ||
                (i + 1 < c.N && c.Joined(i) && Cap(c.Tokens[i + 1]) && c.Is(i + 1, Lex.OrgSuffix)))
            {
                continue; // "Boston Consulting Group": the last trade word ends the name
            }

            // Walk back over capitalised words joined by spaces, '&', ',' or "and".
            var j = i;
            while (j > 0 && i - j < 5)
            {
                var prev = c.Tokens[j - 1];
                var gap = c.Text.AsSpan(prev.End, c.Tokens[j].Start - prev.End);
                var w = c.Word(j - 1);
                var joinable = gap is " " or " & " or "&" or " + " || (gap is ", " && c.Surname(j - 1)) || (gap is ". " && prev.Length == 1);
                if (!joinable || !(Cap(prev) || w is "and") || (Cap(prev) && c.Rank(j - 1) < 60))
                {
                    break;
                }

                j--;
            }

            if (j < i && Cap(c.Tokens[j]) && c.Free(j, i))
            {
                c.Set(j, i, Org, 0.8);
            }
        }

        // "Last, Last and Last" and "Last-Last" built from surnames.
        for (var i = 0; i + 4 < c.N; i++)
        {
            if (c.Label[i] == None && c.AnyName(i) &&
                Gap(c, i, i + 1) is ", " && c.Word(i + 2) is "and" && Gap(c, i + 2, i + 3) is " " &&
                SameCase(c, i, i + 1) && SameCase(c, i, i + 3) && c.AnyName(i + 1) && c.AnyName(i + 3) &&
                (c.Surname(i) ? 1 : 0) + (c.Surname(i + 1) ? 1 : 0) + (c.Surname(i + 3) ? 1 : 0) >= 2 &&
                c.Free(i, i + 3) && (i == 0 || Gap(c, i - 1, i) is not ", "))
            {
                c.Set(i, i + 3, Org, 0.75);
            }
        }

        for (var i = 0; i < c.N; i++)
        {
            var w = c.Word(i);
            var dash = w.IndexOf('-');
            if (c.Label[i] != None || dash <= 0 || c.Tokens[i].Shape == Shape.Lower || !char.IsUpper(c.Text[c.Tokens[i].Start + dash + 1]))
            {
                continue;
            }

            var prevGiven = i > 0 && c.Joined(i - 1) && c.Given(i - 1) && Cap(c.Tokens[i - 1]);
            if (!prevGiven && c.G.IsSurname(w[..dash]) && c.G.IsSurname(w[(dash + 1)..]))
            {
                c.Set(i, i, Org, 0.6);
            }
        }
    }

    /// <summary>
    /// After a cue (works at, joined, recorded for, the … office) a run of capitalised words that is nothing else is an
    /// organisation; so is an unknown capitalised word right after at/for/from/with that no list knows, and the
    /// company line of a signature block (a free line between a person line and an address).
    /// </summary>
    private static void CueOrganizations(Ctx c)
    {
        for (var i = 0; i < c.N; i++)
        {
            if (c.Label[i] != None || c.Rank(i) < 200 || c.Is(i, Lex.NotName))
            {
                continue;
            }

            if (!Cap(c.Tokens[i]))
            {
                // "the datamyne office is at …": a lower-case word no list knows, before "office".
                if (c.Rank(i) == int.MaxValue && i + 1 < c.N && c.Word(i + 1) is "office" or "offices" && i > 0 && c.Word(i - 1) is "the" && !c.AnyName(i))
                {
                    c.Set(i, i, Org, 0.5);
                }

                continue;
            }

            var cue = false;
            for (var k = i - 1; k >= 0 && k >= i - 3; k--)
            {
                if (c.Is(k, Lex.OrgCue))
                {
                    cue = true;
                    break;
                }

                if (c.Label[k] != None)
                {
                    break;
                }
            }

            var j = i;
            while (j + 1 < c.N && j - i < 4 && c.Joined(j) && c.Label[j + 1] == None && (Cap(c.Tokens[j + 1]) || c.Word(j + 1) is "of" or "and" or "for"))
            {
                j++;
            }

            while (j > i && !Cap(c.Tokens[j]))
            {
                j--;
            }

            // "The Acme office", "at Acme, 12 Main Street": the run is followed by a telling word or an address.
            var after = j + 1 < c.N ? c.Word(j + 1) : default;
            var officeCue = after is "office" or "offices" or "headquarters" or "hq" or "invested" or "announced" || (after is "is" && j + 3 < c.N && c.Word(j + 3) is "brainchild");
            var prep = i > 0 && c.Word(i - 1) is "at" or "for" or "from" or "with" or "joined" or "became";
            var unknownWord = j == i && c.Rank(i) == int.MaxValue && !c.AnyName(i);
            var beforeAddress = j + 1 < c.N && c.Label[j + 1] == Loc && c.Group[j + 1] < 0 && c.CoreEnd(j) < c.Text.Length && c.Text[c.CoreEnd(j)] == ',';
            if (cue || officeCue || (prep && (unknownWord || beforeAddress)) || SignatureCompanyLine(c, i, j))
            {
                c.Set(i, j, Org, cue || officeCue ? 0.6 : 0.5);
                i = j;
            }
        }
    }

    /// <summary>A line holding only tokens i..j, right after a line that is a person (a signature block).</summary>
    private static bool SignatureCompanyLine(Ctx c, int i, int j)
    {
        if (!LineAlone(c, i, j) || i == 0)
        {
            return false;
        }

        // A letterhead: the line right above a street address ("Mapquest⏎⏎39 Laugarvegur 77 …").
        if (j + 1 < c.N && c.Label[j + 1] == Loc && c.Group[j + 1] < 0 && c.Tokens[j].Length > 2)
        {
            return true;
        }

        // The previous line must end with a person, or be a free job-title line right after a person line.
        var k = i - 1;
        for (var lines = 0; k >= 0 && lines < 2; lines++)
        {
            if (c.Label[k] == Per)
            {
                return true;
            }

            var lineStart = c.LineFirst[k];
            if (c.Label[lineStart] != None)
            {
                return false;
            }

            k = lineStart - 1;
        }

        return false;
    }

    private static bool LineAlone(Ctx c, int i, int j)
    {
        if (!c.NewlineBefore[i] || (j + 1 < c.N && !c.NewlineBefore[j + 1]))
        {
            return false;
        }

        // Only list markers ("??? ", "> ") before the words, and nothing but '.' or "'s" after them on the line.
        var prevEnd = i == 0 ? 0 : c.Tokens[i - 1].End;
        var gap = c.Text.AsSpan(prevEnd, c.Tokens[i].Start - prevEnd);
        var before = gap[(gap.LastIndexOf('\n') + 1)..].Trim();
        var end = c.Tokens[j].End;
        var nextStart = j + 1 < c.N ? c.Tokens[j + 1].Start : c.Text.Length;
        var tail = c.Text.AsSpan(end, nextStart - end);
        var nl = tail.IndexOf('\n');
        var after = (nl < 0 ? tail : tail[..nl]).Trim();
        return before.IndexOfAnyExcept(LinePrefixChars) < 0 && (after.IsEmpty || after is "." || after is "'s");
    }
}
