namespace Warden.Core.Detection.Names;

internal sealed partial class NamedEntityRecognizer
{
    /// <summary>0: not a name; 1: could be a name (needs a neighbour or a cue); 2: a name on its own.</summary>
    private static int NameStrength(Ctx c, int i)
    {
        var w = c.Word(i);
        if (w.Length < 2 || c.Is(i, Lex.NotName))
        {
            return 0;
        }

        var given = c.Given(i);
        var sur = c.Surname(i);
        var human = (c.Info[i].Flags & WordFlags.Human) != 0;
        var rank = c.Rank(i);
        var t = c.Tokens[i];
        var knownCommonName = c.Is(i, Lex.CommonGiven);
        switch (t.Shape)
        {
            case Shape.Lower:
                if (given)
                {
                    return rank >= 5000 || knownCommonName ? 2 : rank >= 1500 ? 1 : 0;
                }

                if (sur || human)
                {
                    return rank == int.MaxValue ? 2 : rank >= 8000 ? 1 : 0;
                }

                return 0;
            case Shape.Upper when w.Length <= 3 || rank < 5000:
                return 0;
            default:
                if (given)
                {
                    if (knownCommonName)
                    {
                        return 2;
                    }

                    return t.SentenceStart ? (rank >= 900 ? 2 : rank >= 300 ? 1 : 0) : (rank >= 1000 ? 2 : rank >= 60 ? 1 : 0);
                }

                if (sur)
                {
                    return t.SentenceStart ? (rank >= 3000 ? 2 : rank >= 500 ? 1 : 0) : (rank >= 1500 ? 2 : rank >= 100 ? 1 : 0);
                }

                if (human)
                {
                    return rank == int.MaxValue ? 2 : rank >= 20000 ? 1 : 0;
                }

                // Unknown capitalised word that is no English word: a name only with a cue or a neighbour.
                return !t.SentenceStart && rank == int.MaxValue && w.Length >= 3 && t.Shape == Shape.Title ? 1 : 0;
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

            if (places[i].Kind == Country || (places[i].Length > 1 && PlausiblePlace(c, i, places[i])))
            {
                continue; // "Sri Lanka", "Santa Marta": the place wins over a name reading
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

                // Particles (van der, de la) inside a name, followed by a name word.
                var after = next;
                while (after < c.N && after - next < 3 && c.Is(after, Lex.Particle) && c.Joined(after))
                {
                    after++;
                }

                if (after > next && after < c.N && c.Label[after] == None && (strength[after] > 0 || (Cap(c.Tokens[after]) && c.Rank(after) > 5000)))
                {
                    j = after;
                    best = Math.Max(best, strength[j]);
                    continue;
                }

                // An unknown word after a given name is a surname (Richard Bryndísardóttir, michael košelnik).
                if (SameCase(c, j, next) && c.Given(j) && c.Rank(next) > 5000 && places[next].Kind != Country && !c.Is(next, Lex.NotName))
                {
                    j = next;
                    best = 2;
                    continue;
                }

                break;
            }

            // An unknown capitalised word before a known surname (Koumura James is rarer; we only take given + surname).
            var multi = j > i;
            var cued = i > 0 && c.Is(i - 1, Lex.PersonCue);
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

        // Coordinated lists: "Roeterdink and Lopez", "Mazzi, Bowman and Hill" — a weak name next to a person is one too.
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < c.N; i++)
            {
                if (c.Label[i] != None || (strength[i] == 0 && !(Cap(c.Tokens[i]) && c.Rank(i) == int.MaxValue)))
                {
                    continue;
                }

                var n = Neighbour(c, i);
                if (n >= 0 && SameCase(c, i, n) && c.Label[n] == Per)
                {
                    c.Set(i, i, Per, 0.55);
                }
            }
        }
    }

    /// <summary>The token listed next to i ("A, i", "i, B", "A and i", "i and B"), or -1.</summary>
    private static int Neighbour(Ctx c, int i)
    {
        if (i >= 1 && Gap(c, i - 1, i) is ", ")
        {
            return i - 1;
        }

        if (i + 1 < c.N && Gap(c, i, i + 1) is ", ")
        {
            return i + 1;
        }

        if (i >= 2 && c.Word(i - 1) is "and" && Gap(c, i - 2, i - 1) is " " && Gap(c, i - 1, i) is " ")
        {
            return i - 2;
        }

        if (i + 2 < c.N && c.Word(i + 1) is "and" && Gap(c, i, i + 1) is " " && Gap(c, i + 1, i + 2) is " ")
        {
            return i + 2;
        }

        return -1;
    }

    private static ReadOnlySpan<char> Gap(Ctx c, int a, int b) => c.Text.AsSpan(c.Tokens[a].End, c.Tokens[b].Start - c.Tokens[a].End);

    private static bool SameCase(Ctx c, int a, int b) =>
        (c.Tokens[a].Shape == Shape.Lower) == (c.Tokens[b].Shape == Shape.Lower);

    /// <summary>A word that is both a name and a place: context and size decide.</summary>
    private static bool PreferPlace(Ctx c, int i, in Place p)
    {
        var prev = i > 0 ? c.Word(i - 1) : default;
        if (prev is "in" or "from" or "near" or "visit" or "visiting" or "into" or "via")
        {
            return p.Kind != City || p.Population >= 50_000 || !c.Given(i);
        }

        if (prev is "to" or "at" or "of")
        {
            return p.Kind != City || p.Population >= 500_000 || !c.AnyName(i);
        }

        if (i > 0 && c.Is(i - 1, Lex.PersonCue))
        {
            return false;
        }

        if (c.Given(i))
        {
            return false;
        }

        return p.Kind == Country || p.Kind == State || p.Population >= 100_000;
    }
}
