namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// A nondeterministic automaton over the ten ASCII digits for the small regex subset of libphonenumber's number patterns:
/// digits, classes of digits and digit ranges (<c>[0-27-9]</c>), <c>\d</c>, non-capturing groups <c>(?:…)</c>,
/// alternation, <c>?</c>, <c>{n}</c> and <c>{m,n}</c>. Anything else (a star or plus, a capturing group, an anchor, a
/// negated class, a lazy quantifier…) throws <see cref="NotSupportedException"/>, and the caller keeps libphonenumber's
/// own regexes. Several patterns go into one automaton, each with its own accepting label; a pattern is accepted as
/// <c>^(?:pattern)$</c> (a whole-input match) or, when added as a prefix pattern, as <c>^(?:pattern)</c> (its label is
/// then reached wherever a prefix matches). Without loops the automaton is acyclic, so its determinization
/// (<see cref="PhoneRegionCheck"/>) terminates.
/// </summary>
internal sealed partial class DigitPatternNfa
{
    /// <summary>Digit-labelled edges: (state, digit mask, target).</summary>
    private readonly List<(int From, ushort Mask, int To)> _edges = [];

    /// <summary>Epsilon edges: (state, target).</summary>
    private readonly List<(int From, int To)> _epsilons = [];

    /// <summary>Accepting labels per state (bit i: pattern i ends here).</summary>
    private readonly List<ushort> _labels = [0];

    /// <summary>The start state.</summary>
    public const int Start = 0;

    public int StateCount => _labels.Count;

    public ushort Label(int state) => _labels[state];

    /// <summary>Adds <paramref name="pattern"/> with accepting label bit <paramref name="bit"/> (0–15).</summary>
    public void Add(string pattern, int bit)
    {
        var node = new Parser(pattern).ParseAll();
        var end = Emit(node, Start);
        _labels[end] |= (ushort)(1 << bit);
    }

    /// <summary>The digit edges and epsilon edges as adjacency arrays (built once, after the last <see cref="Add"/>).</summary>
    public (int[] EdgeStart, ushort[] EdgeMask, int[] EdgeTo, int[] EpsStart, int[] EpsTo) Freeze()
    {
        var n = StateCount;
        var edgeStart = new int[n + 1];
        foreach (var e in _edges)
        {
            edgeStart[e.From + 1]++;
        }

        var epsStart = new int[n + 1];
        foreach (var e in _epsilons)
        {
            epsStart[e.From + 1]++;
        }

        for (var i = 0; i < n; i++)
        {
            edgeStart[i + 1] += edgeStart[i];
            epsStart[i + 1] += epsStart[i];
        }

        var edgeMask = new ushort[_edges.Count];
        var edgeTo = new int[_edges.Count];
        var fill = (int[])edgeStart.Clone();
        foreach (var e in _edges)
        {
            var at = fill[e.From]++;
            edgeMask[at] = e.Mask;
            edgeTo[at] = e.To;
        }

        var epsTo = new int[_epsilons.Count];
        fill = (int[])epsStart.Clone();
        foreach (var e in _epsilons)
        {
            epsTo[fill[e.From]++] = e.To;
        }

        return (edgeStart, edgeMask, edgeTo, epsStart, epsTo);
    }

    private int NewState()
    {
        _labels.Add(0);
        return _labels.Count - 1;
    }

    /// <summary>Emits <paramref name="node"/> starting at <paramref name="from"/>; returns its end state.</summary>
    private int Emit(Node node, int from)
    {
        switch (node)
        {
            case Node.Digits d:
                {
                    var to = NewState();
                    _edges.Add((from, d.Mask, to));
                    return to;
                }

            case Node.Sequence s:
                {
                    var at = from;
                    foreach (var part in s.Parts)
                    {
                        at = Emit(part, at);
                    }

                    return at;
                }

            case Node.Alternation a:
                {
                    var end = NewState();
                    foreach (var branch in a.Branches)
                    {
                        // Each branch gets its own entry, so no branch's edges can be followed from inside another.
                        var entry = NewState();
                        _epsilons.Add((from, entry));
                        _epsilons.Add((Emit(branch, entry), end));
                    }

                    return end;
                }

            case Node.Repeat r:
                {
                    var at = from;
                    for (var i = 0; i < r.Min; i++)
                    {
                        var entry = NewState();
                        _epsilons.Add((at, entry));
                        at = Emit(r.Body, entry);
                    }

                    if (r.Max == r.Min)
                    {
                        return at;
                    }

                    var end = NewState();
                    _epsilons.Add((at, end));
                    for (var i = r.Min; i < r.Max; i++)
                    {
                        var entry = NewState();
                        _epsilons.Add((at, entry));
                        at = Emit(r.Body, entry);
                        _epsilons.Add((at, end));
                    }

                    return end;
                }

            default:
                throw new NotSupportedException("unknown node");
        }
    }
}
