namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// The minimal deterministic automaton of a <see cref="DigitPatternNfa"/>: per state ten transitions (state 0 is the dead
/// state, state 1 the start) and the labels of the patterns that accept there. Built by subset construction, then
/// minimized by merging states with the same labels and the same successors (bottom-up, the automaton being acyclic).
/// <see cref="TryBuild"/> gives up (null) beyond <see cref="MaxStates"/> states, so a region whose patterns would need a
/// large table keeps libphonenumber's regexes instead.
/// </summary>
internal sealed class DigitDfa
{
    /// <summary>The most states the subset construction may create before it gives up.</summary>
    public const int MaxStates = 20_000;

    /// <summary>state * 10 + digit: the next state (0: dead).</summary>
    private readonly ushort[] _next;

    /// <summary>Per state: the labels accepting there.</summary>
    private readonly ushort[] _labels;

    private DigitDfa(ushort[] next, ushort[] labels)
    {
        _next = next;
        _labels = labels;
    }

    public int StateCount => _labels.Length;

    /// <summary>Bytes held by the tables.</summary>
    public int TableBytes => (_next.Length + _labels.Length) * sizeof(ushort);

    /// <summary>
    /// Runs <paramref name="digits"/> (ASCII digits only) from the start. Returns the labels accepting at its end; adds to
    /// <paramref name="seen"/> the labels of <paramref name="prefixLabels"/> accepting at any point on the way (the start
    /// included): a prefix pattern's label there means a prefix of the input matches it.
    /// </summary>
    public ushort Run(ReadOnlySpan<char> digits, ushort prefixLabels, out ushort seen)
    {
        var next = _next;
        var labels = _labels;
        var state = 1;
        seen = (ushort)(labels[1] & prefixLabels);
        foreach (var c in digits)
        {
            var d = (uint)(c - '0');
            if (d > 9)
            {
                return 0;
            }

            state = next[(state * 10) + (int)d];
            if (state == 0)
            {
                return 0;
            }

            seen |= (ushort)(labels[state] & prefixLabels);
        }

        return labels[state];
    }

    /// <summary>The minimal automaton of <paramref name="nfa"/>, or null beyond <see cref="MaxStates"/>.</summary>
    public static DigitDfa? TryBuild(DigitPatternNfa nfa)
    {
        var (edgeStart, edgeMask, edgeTo, epsStart, epsTo) = nfa.Freeze();
        var n = nfa.StateCount;
        var mark = new int[n];
        var stamp = 0;
        var stack = new Stack<int>();

        // Only states with digit edges or labels tell subsets apart: the epsilon-only ones are left out of the sets.
        var important = new bool[n];
        for (var s = 0; s < n; s++)
        {
            important[s] = edgeStart[s + 1] > edgeStart[s] || nfa.Label(s) != 0;
        }

        // Subset construction. Sets are kept sorted; index 0 is the dead (empty) set. A set is allocated only when new.
        var sets = new List<int[]> { Array.Empty<int>() };
        var index = new Dictionary<int[], int>(SetComparer.Instance) { [sets[0]] = 0 };
        var lookup = index.GetAlternateLookup<ReadOnlySpan<int>>();
        var trans = new List<int>(new int[10]); // state * 10 + digit

        var work = new Queue<int>();
        var members = new int[n];

        int Intern(List<int> seeds)
        {
            stamp++;
            var count = 0;
            foreach (var s in seeds)
            {
                if (mark[s] != stamp)
                {
                    mark[s] = stamp;
                    stack.Push(s);
                }
            }

            while (stack.Count > 0)
            {
                var s = stack.Pop();
                if (important[s])
                {
                    members[count++] = s;
                }

                for (var k = epsStart[s]; k < epsStart[s + 1]; k++)
                {
                    var t = epsTo[k];
                    if (mark[t] != stamp)
                    {
                        mark[t] = stamp;
                        stack.Push(t);
                    }
                }
            }

            var set = members.AsSpan(0, count);
            set.Sort();
            if (lookup.TryGetValue(set, out var id))
            {
                return id;
            }

            id = sets.Count;
            var stored = set.ToArray();
            sets.Add(stored);
            index[stored] = id;
            for (var d = 0; d < 10; d++)
            {
                trans.Add(0);
            }

            work.Enqueue(id);
            return id;
        }

        var start = Intern([DigitPatternNfa.Start]);
        var seeds = new List<int>();
        while (work.Count > 0)
        {
            if (sets.Count > MaxStates)
            {
                return null;
            }

            var id = work.Dequeue();
            var set = sets[id];
            for (var d = 0; d < 10; d++)
            {
                seeds.Clear();
                var bit = 1 << d;
                foreach (var s in set)
                {
                    for (var k = edgeStart[s]; k < edgeStart[s + 1]; k++)
                    {
                        if ((edgeMask[k] & bit) != 0)
                        {
                            seeds.Add(edgeTo[k]);
                        }
                    }
                }

                trans[(id * 10) + d] = seeds.Count == 0 ? 0 : Intern(seeds);
            }
        }

        var rawLabels = new ushort[sets.Count];
        for (var i = 0; i < sets.Count; i++)
        {
            foreach (var s in sets[i])
            {
                rawLabels[i] |= nfa.Label(s);
            }
        }

        return Minimize(start, trans, rawLabels);
    }

    /// <summary>Merges equivalent states of the acyclic automaton: a state's class is fixed by its labels and its successors' classes.</summary>
    private static DigitDfa? Minimize(int start, List<int> trans, ushort[] rawLabels)
    {
        var cls = new int[rawLabels.Length];
        Array.Fill(cls, -1);
        cls[0] = 0;

        // A class's signature: its labels and its ten successor classes (each below 2^16, as there are at most MaxStates
        // states), packed into three words.
        var signatures = new Dictionary<(ulong, ulong, ulong), int>();
        var nextRows = new List<int>(new int[10]);
        var labelRows = new List<ushort> { 0 };

        // Iterative post-order walk (the depth is the longest number, but no recursion is needed either way).
        var stack = new Stack<(int State, int Digit)>();
        stack.Push((start, 0));
        Span<int> mapped = stackalloc int[10];
        while (stack.Count > 0)
        {
            var (state, digit) = stack.Pop();
            if (cls[state] >= 0)
            {
                continue;
            }

            var pending = false;
            for (var d = digit; d < 10; d++)
            {
                var next = trans[(state * 10) + d];
                if (cls[next] < 0)
                {
                    stack.Push((state, d));
                    stack.Push((next, 0));
                    pending = true;
                    break;
                }
            }

            if (pending)
            {
                continue;
            }

            var dead = rawLabels[state] == 0;
            for (var d = 0; d < 10; d++)
            {
                mapped[d] = cls[trans[(state * 10) + d]];
                dead &= mapped[d] == 0;
            }

            var key = (Pack(mapped[..4]), Pack(mapped[4..8]), Pack(mapped[8..]) | ((ulong)rawLabels[state] << 32));
            if (!signatures.TryGetValue(key, out var c))
            {
                // A state with no labels and only dead successors is the dead state.
                c = dead ? 0 : labelRows.Count;
                if (c != 0)
                {
                    foreach (var m in mapped)
                    {
                        nextRows.Add(m);
                    }

                    labelRows.Add(rawLabels[state]);
                }

                signatures[key] = c;
            }

            cls[state] = c;
        }

        // Renumber so that the start is 1 (and the dead state 0).
        var count = labelRows.Count;
        var startClass = cls[start];
        if (startClass == 0)
        {
            // Nothing matches: one dead start state.
            return new DigitDfa(new ushort[20], new ushort[2]);
        }

        var renumber = new int[count];
        renumber[startClass] = 1;
        var nextId = 2;
        for (var i = 1; i < count; i++)
        {
            if (i != startClass)
            {
                renumber[i] = nextId++;
            }
        }

        var table = new ushort[count * 10];
        var labels = new ushort[count];
        for (var i = 1; i < count; i++)
        {
            var r = renumber[i];
            labels[r] = labelRows[i];
            for (var d = 0; d < 10; d++)
            {
                table[(r * 10) + d] = (ushort)renumber[nextRows[(i * 10) + d]];
            }
        }

        return new DigitDfa(table, labels);
    }

    /// <summary>Up to four class numbers below 2^16 in one word.</summary>
    private static ulong Pack(ReadOnlySpan<int> classes)
    {
        var word = 0UL;
        for (var i = 0; i < classes.Length; i++)
        {
            word |= (ulong)(ushort)classes[i] << (16 * i);
        }

        return word;
    }

    /// <summary>Equality of sorted state sets (also looked up by span, so that a set is only copied when it is new).</summary>
    private sealed class SetComparer : IEqualityComparer<int[]>, IAlternateEqualityComparer<ReadOnlySpan<int>, int[]>
    {
        public static readonly SetComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<int> alternate, int[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<int> alternate) => Hash(alternate);

        public int[] Create(ReadOnlySpan<int> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<int> set)
        {
            var h = new HashCode();
            h.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(set));
            return h.ToHashCode();
        }
    }
}
