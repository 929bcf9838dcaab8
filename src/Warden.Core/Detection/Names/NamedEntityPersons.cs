namespace Warden.Core.Detection.Names;

internal sealed partial class NamedEntityRecognizer
{
    /// <summary>0: not a name; 1: could be a name (needs a neighbour or a cue); 2: a name on its own.</summary>
    private static int NameStrength(Ctx c, int i)
    {
        var w = c.Word(i);
        if (w.Length < 2 || NameLexicon.NotNames.Contains(w.ToString()))
        {
            return 0;
        }

        var given = c.G.IsGivenName(w);
        var sur = c.G.IsSurname(w);
        var any = given || sur || c.G.Human.Contains(w);
        if (!any)
        {
            return 0;
        }

        var rank = c.Rank(i);
        var t = c.Tokens[i];
        switch (t.Shape)
        {
            case Shape.Lower:
                if (given || sur)
                {
                    return rank == int.MaxValue ? 2 : rank > 12000 ? 1 : 0;
                }

                return rank == int.MaxValue ? 1 : 0;
            case Shape.Upper when w.Length <= 3:
                return 0;
            default:
                if (t.SentenceStart)
                {
                    return rank > 3000 ? 2 : rank > 500 ? 1 : 0;
                }

                return rank > 800 || given ? (rank > 120 ? 2 : 1) : rank > 80 ? 1 : 0;
        }
    }

    private static void Persons(Ctx c, Place[] places)
    {
        var strength = new byte[c.N];
        for (var i = 0; i < c.N; i++)
        {
            strength[i] = c.Label[i] == None ? (byte)NameStrength(c, i) : (byte)0;
        }

        for (var i = 0; i < c.N; i++)
        {
            if (strength[i] == 0 || c.Label[i] != None)
            {
                continue;
            }

            // Grow a run of name words joined by single spaces; particles (van der, de la) may sit inside.
            var j = i;
            var best = strength[i];
            while (j + 1 < c.N && c.Joined(j) && c.Label[j + 1] == None)
            {
                var next = j + 1;
                if (strength[next] > 0 && SameCase(c, i, next))
                {
                    best = Math.Max(best, strength[next]);
                    j = next;
                    continue;
                }

                if (NameLexicon.Particles.Contains(c.Word(next).ToString()) && next + 1 < c.N && c.Joined(next) && strength[next + 1] > 0)
                {
                    j = next + 1;
                    best = Math.Max(best, strength[j]);
                    continue;
                }

                // An unknown capitalised word after a given name is a surname (Richard Bryndísardóttir).
                if (Cap(c.Tokens[next]) && Cap(c.Tokens[j]) && c.G.IsGivenName(c.Word(j)) && c.Rank(next) > 5000 && places[next].Kind != Country)
                {
                    j = next;
                    best = 2;
                    continue;
                }

                break;
            }

            // An unknown capitalised word before a known surname (Koumura James is rarer; we only take given + surname).
            var multi = j > i;
            var cued = i > 0 && NameLexicon.PersonCues.Contains(c.Word(i - 1).ToString());
            if (!(best == 2 || (multi && best >= 1) || (cued && best >= 1 && Cap(c.Tokens[i]))))
            {
                i = j;
                continue;
            }

            // Conflicts with places: a single-word person that is also a place.
            if (!multi && places[i].Length == 1 && PreferPlace(c, i, places[i]))
            {
                i = j;
                continue;
            }

            if (!multi && places[i].Length > 1)
            {
                i = j;
                continue; // "Costa Rica", "São Paulo": the longer place wins
            }

            var score = multi ? 0.85 : best == 2 ? 0.7 : 0.55;
            c.Set(i, j, Per, score);
            i = j;
        }
    }

    private static bool SameCase(Ctx c, int a, int b) =>
        (c.Tokens[a].Shape == Shape.Lower) == (c.Tokens[b].Shape == Shape.Lower);

    /// <summary>A word that is both a name and a place: context and size decide.</summary>
    private static bool PreferPlace(Ctx c, int i, in Place p)
    {
        var w = c.Word(i);
        var prev = i > 0 ? c.Word(i - 1).ToString() : "";
        if (prev is "in" or "at" or "from" or "to" or "near" or "visit" or "visiting" or "of" or "into" or "via")
        {
            return p.Kind != City || p.Population >= 1000 || !c.G.IsGivenName(w);
        }

        if (i > 0 && NameLexicon.PersonCues.Contains(prev))
        {
            return false;
        }

        if (c.G.IsGivenName(w))
        {
            return p.Kind == Country && p.Population == 0 && !c.G.IsGivenName(w);
        }

        return p.Kind == Country || p.Kind == State || p.Population >= 100_000;
    }
}
