namespace Warden.Core.Detection.Names;

internal sealed partial class NamedEntityRecognizer
{
    private const byte Country = 1;
    private const byte State = 2;
    private const byte City = 3;

    /// <summary>A gazetteer place starting at a token: how many tokens, what kind, and the population for cities.</summary>
    private readonly record struct Place(int Length, byte Kind, int Population);

    /// <summary>Longest-first lookup of 1–4 word places (countries, states, cities) at each token.</summary>
    private static Place[] LocationCandidates(Ctx c)
    {
        var places = new Place[c.N];
        for (var i = 0; i < c.N; i++)
        {
            // Multi-word places only when some place starts with this word (one flag per token, no extra lookups).
            for (var len = Math.Min(c.Info[i].MaxPlaceWords, c.N - i); len >= 2; len--)
            {
                var last = i + len - 1;
                var ok = true;
                for (var k = i; k < last; k++)
                {
                    if (!c.Joined(k))
                    {
                        ok = false;
                        break;
                    }
                }

                if (!ok)
                {
                    continue;
                }

                var span = c.Lower.AsSpan(c.Tokens[i].Start, c.CoreEnd(last) - c.Tokens[i].Start);
                if (span.Length > 96)
                {
                    continue;
                }

                if (c.G.Countries.Contains(span))
                {
                    places[i] = new Place(len, Country, 0);
                    break;
                }

                if (c.G.States.Contains(span))
                {
                    places[i] = new Place(len, State, 0);
                    break;
                }

                var pop = c.G.CityPopulation(span);
                if (pop >= 0)
                {
                    places[i] = new Place(len, City, pop);
                    break;
                }
            }

            if (places[i].Length == 0)
            {
                var info = c.Info[i];
                if ((info.Flags & WordFlags.Country) != 0)
                {
                    places[i] = new Place(1, Country, 0);
                }
                else if ((info.Flags & WordFlags.State) != 0)
                {
                    places[i] = new Place(1, State, 0);
                }
                else if ((info.Flags & WordFlags.City) != 0)
                {
                    places[i] = new Place(1, City, info.Population);
                }
            }
        }

        return places;
    }

    /// <summary>Whether a place candidate is credible on its own (casing, commonness, size).</summary>
    private static bool PlausiblePlace(Ctx c, int i, in Place p)
    {
        var t = c.Tokens[i];
        var rank = p.Length == 1 ? c.Rank(i) : int.MaxValue;
        var cue = i > 0 && c.Is(i - 1, Lex.LocationCue);
        if (p.Length == 1 && c.Is(i, Lex.NotName))
        {
            return false;
        }

        switch (p.Kind)
        {
            case Country:
                return Cap(t) || rank > 2000 || cue;
            case State:
                return Cap(t) && (rank > 1500 || cue) && (t.Shape != Shape.Upper || c.Word(i).Length > 2);
            default:
                if (t.Shape == Shape.Lower)
                {
                    return (rank == int.MaxValue && (cue || p.Population >= 50_000)) || (cue && rank > 8000 && p.Population >= 1000);
                }

                if (t.Shape == Shape.Upper && c.Word(i).Length <= 3 && p.Length == 1)
                {
                    return false;
                }

                if (t.SentenceStart && !cue)
                {
                    return rank > 4000 || p.Length > 1;
                }

                return rank > 1500 || (cue && rank > 300) || p.Population >= 1_000_000 || p.Length > 1;
        }
    }

    private static void Locations(Ctx c, Place[] places)
    {
        for (var i = 0; i < c.N; i++)
        {
            var p = places[i];
            if (p.Length == 0)
            {
                continue;
            }

            var last = i + p.Length - 1;
            if (!c.Free(i, last) || !PlausiblePlace(c, i, p))
            {
                continue;
            }

            var score = p.Kind == Country ? 0.85 : p.Kind == State ? 0.7 : p.Population >= 100_000 ? 0.75 : 0.6;
            c.Set(i, last, Loc, score);
            i = last;
        }
    }

    /// <summary>"grew up in X", "I am in X", "moved here from X", "arrived at X": unknown capitalised words after a place cue.</summary>
    private static void CueLocations(Ctx c)
    {
        for (var i = 1; i < c.N; i++)
        {
            if (c.Label[i] != None || !Cap(c.Tokens[i]) || c.Rank(i) < 3000 || c.Given(i))
            {
                continue;
            }

            var prev = c.Word(i - 1);
            var cue = prev is "in" or "from" or "near" or "city" or "town" or "village"
                || (prev is "at" && i > 1 && c.Word(i - 2) is "arrived" or "landed" or "stayed");
            if (!cue || c.Tokens[i].Start - c.Tokens[i - 1].End != 1)
            {
                continue;
            }

            var j = i;
            while (j + 1 < c.N && j - i < 3 && c.Joined(j) && c.Label[j + 1] == None &&
                   (Cap(c.Tokens[j + 1]) || (c.Is(j + 1, Lex.Particle) && j + 2 < c.N && Cap(c.Tokens[j + 2]))))
            {
                j++;
            }

            while (j > i && !Cap(c.Tokens[j]))
            {
                j--;
            }

            // A capitalised run followed by an organisation word is not a place ("in Acme Labs").
            if (c.Is(j, Lex.OrgSuffix))
            {
                continue;
            }

            c.Set(i, j, Loc, 0.5);
            i = j;
        }
    }
}
