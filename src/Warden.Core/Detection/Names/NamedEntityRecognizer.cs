namespace Warden.Core.Detection.Names;

/// <summary>
/// PERSON, LOCATION and ORGANIZATION from gazetteers plus casing and context rules (see docs/detection.md).
/// One tokenization pass and hash lookups per token: linear in the text, no model, no allocation per token.
/// </summary>
internal sealed partial class NamedEntityRecognizer : IRecognizer
{
    private const byte None = 0;
    private const byte Per = 1;
    private const byte Loc = 2;
    private const byte Org = 3;

    private readonly Gazetteer _g;
    private readonly AddressRecognizer _addresses;

    public NamedEntityRecognizer(Gazetteer? gazetteer = null)
    {
        _g = gazetteer ?? Gazetteer.Shared;
        _addresses = new AddressRecognizer(_g);
    }

    public string Name => "NamedEntityRecognizer";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Detection.EntityTypes.Person, Detection.EntityTypes.Location, Detection.EntityTypes.Organization];

    /// <summary>Finds the names of one piece of text (at most <see cref="ChunkChars"/> characters when called through <see cref="Analyze"/>).</summary>
    private void AnalyzePiece(string text, List<Finding> results)
    {
        var tokens = new List<Token>(Math.Min(text.Length / 5 + 4, 1 << 20));
        Tokenizer.Tokenize(text, tokens);
        if (tokens.Count == 0)
        {
            return;
        }

        var ctx = new Ctx(text, text.ToLowerInvariant(), tokens, _g);

        // Street addresses first: their words are not persons or organisations.
        var before = results.Count;
        _addresses.Analyze(text, results);
        for (var k = before; k < results.Count; k++)
        {
            ctx.Block(results[k].Start, results[k].End);
        }

        TitledPersons(ctx);
        SuffixOrganizations(ctx);
        var places = LocationCandidates(ctx);
        Persons(ctx, places);
        Locations(ctx, places);
        CueLocations(ctx);
        CueOrganizations(ctx);
        Letterheads(ctx);
        LowerCaseOrganizations(ctx);
        ListedOrganizations(ctx);
        UnknownProperNouns(ctx);
        Emit(ctx, results);
    }

    private void Emit(Ctx c, List<Finding> results)
    {
        var i = 0;
        while (i < c.N)
        {
            var label = c.Label[i];
            if (label == None || c.Group[i] < 0)
            {
                i++;
                continue;
            }

            var j = i;
            while (j + 1 < c.N && c.Label[j + 1] == label && c.Group[j + 1] == c.Group[i])
            {
                j++;
            }

            var start = c.Tokens[i].Start;
            var end = c.CoreEnd(j);
            if (label == Per && j + 1 < c.N && c.Tokens[j + 1].Start - c.Tokens[j].End is 1 or 2 && c.Text[c.Tokens[j].End] is ' ' or ',' &&
                c.Is(j + 1, Lex.PersonSuffix) && c.Tokens[j + 1].Shape != Shape.Lower)
            {
                // "Keith Bult Jr.", "Margaret Ćosić PhD"
                end = c.Tokens[j + 1].End + (c.Tokens[j + 1].End < c.Text.Length && c.Text[c.Tokens[j + 1].End] == '.' ? 1 : 0);
            }

            if (label == Org && end < c.Text.Length && c.Text[end] == '.' && c.Is(j, Lex.OrgSuffix))
            {
                end++;
            }

            var type = label switch
            {
                Per => Detection.EntityTypes.Person,
                Loc => Detection.EntityTypes.Location,
                _ => Detection.EntityTypes.Organization,
            };
            results.Add(new Finding(type, start, end, c.Score[i], Name));
            i = j + 1;
        }
    }

    /// <summary>Per-call state: the tokens, their lower-case text and the labels assigned so far.</summary>
    private sealed class Ctx
    {
        private int _nextGroup = 1;

        public Ctx(string text, string lower, List<Token> tokens, Gazetteer g)
        {
            Text = text;
            Lower = lower;
            Tokens = tokens;
            G = g;
            N = tokens.Count;
            Label = new byte[N];
            Group = new int[N];
            Score = new double[N];
            LineFirst = new int[N];
            NewlineBefore = new bool[N];
            Info = new WordInfo[N];
            LexOf = new Lex[N];
            for (var i = 0; i < N; i++)
            {
                var gapStart = i == 0 ? 0 : tokens[i - 1].End;
                NewlineBefore[i] = i == 0 || text.AsSpan(gapStart, tokens[i].Start - gapStart).Contains('\n');
                LineFirst[i] = NewlineBefore[i] ? i : LineFirst[i - 1];
                var w = Word(i);
                Info[i] = g.Info(w);
                LexOf[i] = NameLexicon.Flags.TryGetValue(w, out var lex) ? lex : Lex.None;
            }
        }

        /// <summary>Gazetteer facts per token (one lookup each, done once).</summary>
        public WordInfo[] Info { get; }

        /// <summary>Closed-list membership per token.</summary>
        public Lex[] LexOf { get; }

        public bool Is(int i, Lex flag) => (LexOf[i] & flag) != 0;

        public bool Given(int i) => (Info[i].Flags & WordFlags.Given) != 0;

        public bool Surname(int i) => (Info[i].Flags & WordFlags.Surname) != 0;

        public bool AnyName(int i) => (Info[i].Flags & WordFlags.AnyName) != 0;

        /// <summary>Index of the first token on token i's line.</summary>
        public int[] LineFirst { get; }

        /// <summary>True when a line break (or the start of text) precedes token i.</summary>
        public bool[] NewlineBefore { get; }

        public string Text { get; }

        public string Lower { get; }

        public List<Token> Tokens { get; }

        public Gazetteer G { get; }

        public int N { get; }

        public byte[] Label { get; }

        public int[] Group { get; }

        public double[] Score { get; }

        /// <summary>End of token <paramref name="i"/> without a possessive 's.</summary>
        public int CoreEnd(int i)
        {
            var t = Tokens[i];
            if (t.Length > 3 && Text[t.End - 1] is 's' or 'S' && Text[t.End - 2] is '\'' or '’')
            {
                return t.End - 2;
            }

            return t.End;
        }

        public bool Possessive(int i) => CoreEnd(i) != Tokens[i].End;

        public ReadOnlySpan<char> Word(int i) => Lower.AsSpan(Tokens[i].Start, CoreEnd(i) - Tokens[i].Start);

        public int Rank(int i) => Info[i].Rank;

        /// <summary>True when tokens i and i+1 are separated by exactly one space (or nothing) and i is not possessive.</summary>
        public bool Joined(int i)
        {
            if (i + 1 >= N || Possessive(i))
            {
                return false;
            }

            var gap = Tokens[i + 1].Start - Tokens[i].End;
            return gap == 0 || (gap == 1 && Text[Tokens[i].End] == ' ');
        }

        public bool PrevIs(int i, WordSet words, int window = 1)
        {
            for (var k = i - 1; k >= 0 && k >= i - window; k--)
            {
                if (words.Contains(Word(k)))
                {
                    return true;
                }
            }

            return false;
        }

        public void Set(int from, int to, byte label, double score)
        {
            var g = _nextGroup++;
            for (var k = from; k <= to; k++)
            {
                Label[k] = label;
                Group[k] = g;
                Score[k] = score;
            }
        }

        /// <summary>Marks the tokens inside [start, end) as taken by an entity reported elsewhere.</summary>
        public void Block(int start, int end)
        {
            var lo = Tokens.BinarySearch(new Token(start, start, Shape.Lower, false), Comparer<Token>.Create((a, b) => a.Start.CompareTo(b.Start)));
            var k = lo < 0 ? ~lo : lo;
            for (; k < N && Tokens[k].Start < end; k++)
            {
                Label[k] = Loc;
                Group[k] = -1;
            }
        }

        public bool Free(int from, int to)
        {
            for (var k = from; k <= to; k++)
            {
                if (Label[k] != None)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
