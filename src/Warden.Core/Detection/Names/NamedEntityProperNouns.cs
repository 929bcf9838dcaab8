namespace Warden.Core.Detection.Names;

internal sealed partial class NamedEntityRecognizer
{
    /// <summary>
    /// A letterhead: a short line right above a street address whose words are free or only weakly labelled
    /// ("Mapquest", "Adobe Digital Government", "department of better technology") is the organisation's name.
    /// </summary>
    private static void Letterheads(Ctx c)
    {
        for (var i = 0; i < c.N; i++)
        {
            if (!c.NewlineBefore[i])
            {
                continue;
            }

            var j = i;
            while (j + 1 < c.N && !c.NewlineBefore[j + 1])
            {
                j++;
            }

            if (j + 1 < c.N && j - i <= 5 && c.Label[j + 1] == Loc && c.Group[j + 1] < 0 && LineAlone(c, i, j) && WeaklyLabelled(c, i, j))
            {
                c.Set(i, j, Org, 0.5);
            }

            i = j;
        }
    }

    private static bool WeaklyLabelled(Ctx c, int i, int j)
    {
        var org = 0;
        for (var k = i; k <= j; k++)
        {
            if (c.Group[k] < 0 || (c.Label[k] == Per && c.Score[k] >= 0.7) || c.Is(k, Lex.NotName) && c.Word(k) is not ("of" or "and" or "the"))
            {
                return false;
            }

            org += c.Label[k] == Org ? 1 : 0;
        }

        return org <= j - i;
    }

    /// <summary>"firstpoint inc", "nera economic consulting", "state farm insurance": lower-case words before a legal form.</summary>
    private static void LowerCaseOrganizations(Ctx c)
    {
        for (var i = 1; i < c.N; i++)
        {
            if (c.Label[i] != None || c.Tokens[i].Shape != Shape.Lower || !c.Is(i, Lex.LowerOrgSuffix))
            {
                continue;
            }

            var j = i;
            var telling = false;
            while (j > 0 && i - j < 3 && c.Joined(j - 1) && (c.Label[j - 1] == None || (c.Label[j - 1] == Per && c.Score[j - 1] < 0.75 && c.Group[j - 1] != (j > 1 ? c.Group[j - 2] : -2))) && c.Tokens[j - 1].Shape == Shape.Lower)
            {
                var rank = c.Rank(j - 1);
                if (rank < 150 || c.Is(j - 1, Lex.NotName))
                {
                    break;
                }

                telling |= rank >= 1500 || c.AnyName(j - 1);
                j--;
            }

            if (j < i && telling)
            {
                c.Set(j, i, Org, 0.55);
            }
        }
    }

    /// <summary>"Ceiba Solutions, Seeclickfix and Hubbard-Thomas": capitalised words listed next to an organisation are organisations.</summary>
    private static void ListedOrganizations(Ctx c)
    {
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < c.N; i++)
            {
                if (!(c.Label[i] == None || WeakPerson(c, i)) || !Cap(c.Tokens[i]) || c.Is(i, Lex.NotName))
                {
                    continue;
                }

                var j = i;
                while (j + 1 < c.N && j - i < 4 && c.Joined(j) && c.Label[j + 1] == None && Cap(c.Tokens[j + 1]) && c.Label[i] == None)
                {
                    j++;
                }

                var listedAfter = i >= 1 && c.Label[i - 1] == Org && Gap(c, i - 1, i) is ", " or " and " or " & ";
                var listedBefore = j + 1 < c.N && c.Label[j + 1] == Org && Gap(c, j, j + 1) is ", " or " and " or " & ";
                if (!listedAfter && i >= 2 && c.Word(i - 1) is "and" && c.Label[i - 2] == Org && Gap(c, i - 2, i - 1) is " ")
                {
                    listedAfter = true;
                }

                if (!listedBefore && j + 2 < c.N && c.Word(j + 1) is "and" && c.Label[j + 2] == Org && Gap(c, j + 1, j + 2) is " ")
                {
                    listedBefore = true;
                }

                if (listedAfter || listedBefore)
                {
                    c.Set(i, j, Org, 0.5);
                }

                i = j;
            }
        }
    }

    /// <summary>A single word taken as a person only because of a weak cue ("and Pinewick"): a listed organisation may claim it.</summary>
    private static bool WeakPerson(Ctx c, int i) =>
        c.Label[i] == Per && c.Score[i] < 0.6 && (i == 0 || c.Group[i - 1] != c.Group[i]) && (i + 1 >= c.N || c.Group[i + 1] != c.Group[i]);

    /// <summary>
    /// A capitalised word that is in no list and is no English word ("Sigurlaugsson", "Crowdanalytix") is a proper
    /// noun; in a prompt that is most often a person or an organisation. Reported at a low score, typed by the word
    /// before it (at/for/with: organisation; in/near: place; otherwise person).
    /// </summary>
    private static void UnknownProperNouns(Ctx c)
    {
        for (var i = 0; i < c.N; i++)
        {
            if (!UnknownProperNoun(c, i))
            {
                continue;
            }

            var j = i;
            while (j + 1 < c.N && j - i < 3 && c.Joined(j) && UnknownProperNoun(c, j + 1))
            {
                j++;
            }

            var prev = i > 0 ? c.Word(i - 1) : default;
            var label = prev is "at" or "for" or "with" or "joined" ? Org : prev is "in" or "near" ? Loc : Per;
            c.Set(i, j, label, 0.4);
            i = j;
        }
    }

    private static bool UnknownProperNoun(Ctx c, int i)
    {
        var t = c.Tokens[i];
        if (c.Label[i] != None || t.Shape != Shape.Title || t.Length < 3 || c.Rank(i) != int.MaxValue)
        {
            return false;
        }

        // Contractions and compounds of common words: "It's", "Don't", "Action-Comedy".
        var w = c.Lower.AsSpan(t.Start, t.Length);
        var apostrophe = w.IndexOfAny('\'', '’');
        if (apostrophe > 0 && (c.G.Rank(w[..apostrophe]) != int.MaxValue || w[..apostrophe] is "i" or "c"))
        {
            return false;
        }

        var dash = w.IndexOf('-');
        if (dash > 0 && c.G.Rank(w[..dash]) < 5000 && c.G.Rank(w[(dash + 1)..]) < 5000)
        {
            return false;
        }

        return !c.Is(i, Lex.NotName);
    }
}
