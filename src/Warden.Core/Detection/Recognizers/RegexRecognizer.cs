using System.Buffers;
using System.Text.RegularExpressions;

namespace Warden.Core.Detection.Recognizers;

/// <summary>
/// A recognizer driven by one linear-time regex (NonBacktracking or a generated pattern without
/// unbounded backtracking). Subclasses validate each candidate and may trim it or change its score.
/// Context words near a match raise its score by <see cref="ContextBoost"/>.
/// When a subclass declares <see cref="Anchors"/> and <see cref="Alphabet"/>, the pattern runs only over the runs of
/// alphabet characters that contain an anchor (see <see cref="AnchorRuns"/>) instead of over the whole text.
/// </summary>
internal abstract class RegexRecognizer : IRecognizer
{
    private readonly string[] _types;

    protected RegexRecognizer(string name, string entityType, double baseScore, IEnumerable<string>? context = null)
    {
        Name = name;
        EntityType = entityType;
        BaseScore = baseScore;
        Context = new ContextWords(context ?? []);
        _types = [entityType];
    }

    public string Name { get; }

    public string EntityType { get; }

    IReadOnlyCollection<string> IRecognizer.EntityTypes => _types;

    protected double BaseScore { get; }

    protected ContextWords Context { get; }

    protected virtual double ContextBoost => 0.35;

    /// <summary>When true, a match without a context word is dropped.</summary>
    protected virtual bool RequiresContext => false;

    protected abstract Regex Pattern { get; }

    /// <summary>
    /// <see cref="Pattern"/>, read once (every override returns one instance per recognizer): one field load per run instead
    /// of a virtual call into the generated regex's static cache, which code compiled without tiering reaches through a
    /// class-initialization helper on every call.
    /// </summary>
    private Regex? _pattern;

    /// <summary>Characters every match contains at least one of; null runs the pattern over the whole text.</summary>
    protected virtual SearchValues<char>? Anchors => null;

    /// <summary>Characters a match can consist of (a superset of the anchors).</summary>
    protected virtual CharClass? Alphabet => null;

    /// <summary>The anchors as one to three characters, for the vectorized search of followed anchors (see <see cref="AnchorRuns"/>).</summary>
    protected virtual string? AnchorChars => null;

    /// <summary>True when every match has an anchor that is not its last character (see <see cref="AnchorRuns"/>).</summary>
    protected virtual bool AnchorFollowed => false;

    /// <summary>The shortest match the pattern can have: shorter runs are skipped without running it.</summary>
    protected virtual int MinLength => 1;

    public void Analyze(string text, List<Finding> results) => Scan(text, results);

    /// <summary>A cheap necessary condition on a run before the pattern runs over it.</summary>
    protected virtual bool RunMayMatch(ReadOnlySpan<char> run) => true;

    /// <summary>Finds candidates and hands each to <see cref="Consider"/>.</summary>
    protected virtual void Scan(string text, List<Finding> results)
    {
        if (Anchors is not { } anchors || Alphabet is not { } alphabet)
        {
            MatchIn(text, 0, text.Length, results);
            return;
        }

        if (ReferenceEquals(anchors, DigitAnchors))
        {
            ScanDigitAnchored(text, alphabet, results);
            return;
        }

        foreach (var (start, end) in new AnchorRuns(text, anchors, alphabet, AnchorFollowed, AnchorChars))
        {
            if (end - start >= MinLength && RunMayMatch(text.AsSpan(start, end - start)))
            {
                MatchRun(text, start, end, results);
            }
        }
    }

    /// <summary>
    /// Runs the pattern over the maximal alphabet runs around the candidates <see cref="NextCandidate"/> finds that pass
    /// <see cref="CandidateMayMatch"/>, each run bounded by the previous one's end: the runs of <see cref="AnchorRuns"/> that
    /// hold such a candidate. Exact when every match holds a candidate that passes (a run without one holds no match).
    /// </summary>
    protected void MatchAroundCandidates(string text, CharClass alphabet, List<Finding> results)
    {
        var floor = 0;
        var pos = 0;
        while (pos < text.Length)
        {
            var at = NextCandidate(text, pos);
            if (at < 0)
            {
                return;
            }

            if (!CandidateMayMatch(text, at))
            {
                pos = at + 1;
                continue;
            }

            var (start, end) = alphabet.RunAround(text, at, floor);
            floor = pos = end;
            if (end - start >= MinLength)
            {
                MatchIn(text, start, end, results);
            }
        }
    }

    /// <summary>For <see cref="MatchAroundCandidates"/>: the index of the next candidate at or after <paramref name="from"/>, or -1.</summary>
    protected virtual int NextCandidate(string text, int from) => -1;

    /// <summary>For <see cref="MatchAroundCandidates"/>: a cheap necessary condition on a candidate before its run is looked for.</summary>
    protected virtual bool CandidateMayMatch(string text, int at) => true;

    /// <summary>Every match holds at least this many ASCII digits.</summary>
    protected virtual int MinDigits => 1;

    /// <summary>Every match holds a run of at least this many consecutive ASCII digits.</summary>
    protected virtual int MinDigitRun => 1;

    /// <summary>
    /// An exact necessary condition (see <see cref="DigitShapes"/>): false only when no match that passes
    /// <see cref="Validate"/> can have the <paramref name="k"/>-th digit run as its first digits. An alphabet run none of
    /// whose digit runs passes is skipped without running the pattern (it could only yield candidates that fail validation).
    /// </summary>
    protected virtual bool DigitsMayStartAt(string text, DigitRuns runs, int k) => true;

    /// <summary>
    /// The lengths of a digit run for which <see cref="DigitsMayStartAt"/> can be true, one bit each (bit 63: 63 digits or
    /// more); an exact pre-filter tested before that virtual call, so the many runs of the wrong length (years, ports, list
    /// numbers) cost one shift each. Built with <see cref="RunLengths"/> and <see cref="RunLengthsFrom"/>.
    /// </summary>
    protected virtual ulong FirstRunLengths => ulong.MaxValue;

    /// <summary>The bits of these run lengths (each 1 to 62).</summary>
    protected static ulong RunLengths(params ReadOnlySpan<int> lengths)
    {
        var mask = 0UL;
        foreach (var length in lengths)
        {
            mask |= 1UL << length;
        }

        return mask;
    }

    /// <summary>The bits of every run length from <paramref name="min"/> on (63 and more included).</summary>
    protected static ulong RunLengthsFrom(int min) => ulong.MaxValue << min;

    private static int CappedLength(DigitRuns runs, int k) => Math.Min(runs.End(k) - runs.Start(k), 63);

    /// <summary>
    /// The digit-anchored form of <see cref="AnchorRuns"/>: the alphabet runs around the text's digit runs, from the list
    /// shared by every digit-anchored recognizer (<see cref="DigitRuns"/>). The same runs as <c>new AnchorRuns(text,
    /// DigitAnchors, alphabet)</c> (digits are in every such alphabet, so no run ends inside a digit run), with each run's
    /// digit count and longest digit run known before its characters are looked at.
    /// </summary>
    private void ScanDigitAnchored(string text, CharClass alphabet, List<Finding> results)
    {
        var runs = DigitRuns.For(text);
        var lengths = FirstRunLengths;
        var floor = 0;
        var k = 0;
        while (k < runs.Count)
        {
            if (((lengths >> CappedLength(runs, k)) & 1) == 0 || !DigitsMayStartAt(text, runs, k))
            {
                k++;
                continue;
            }

            var (start, end) = alphabet.RunAround(text, runs.Start(k), floor);
            floor = end;

            // The statistics count the run's digit runs from its first one (some may have been passed over above); each
            // digit run is passed over and walked back over at most once: linear.
            while (k > 0 && runs.Start(k - 1) >= start)
            {
                k--;
            }

            k = runs.Stats(k, end, out var digits, out var longest);
            if (end - start >= MinLength && digits >= MinDigits && longest >= MinDigitRun && RunMayMatch(text.AsSpan(start, end - start)))
            {
                MatchRun(text, start, end, results);
            }
        }
    }

    /// <summary>
    /// The scan before the shared digit-run list (for differential tests): <see cref="AnchorRuns"/> over the anchors, with
    /// the digit count checked by looking at the run.
    /// </summary>
    internal void AnalyzeWithAnchorRuns(string text, List<Finding> results)
    {
        foreach (var (start, end) in new AnchorRuns(text, Anchors!, Alphabet!, AnchorFollowed))
        {
            var run = text.AsSpan(start, end - start);
            if (end - start >= MinLength && CountDigits(run) >= MinDigits && RunMayMatch(run))
            {
                MatchIn(text, start, end, results);
            }
        }
    }

    private static int CountDigits(ReadOnlySpan<char> run)
    {
        var n = 0;
        foreach (var c in run)
        {
            n += char.IsAsciiDigit(c) ? 1 : 0;
        }

        return n;
    }

    /// <summary>The pattern (for differential tests).</summary>
    internal Regex PatternForTests => Pattern;

    /// <summary>
    /// The reference behaviour: <paramref name="pattern"/> (by default <see cref="Pattern"/>) over the whole text;
    /// differential tests compare <see cref="Scan"/> to it.
    /// </summary>
    internal void AnalyzeWholeText(string text, List<Finding> results, Regex? pattern = null) => MatchIn(text, 0, text.Length, results, pattern);

    /// <summary>
    /// Considers the matches of <see cref="Pattern"/> in the anchored run text[from..to) (digit-anchored or from
    /// <see cref="AnchorRuns"/>); a subclass may find them by hand for shapes whose matches it knows exactly (differential
    /// tests compare it to <see cref="AnalyzeWithAnchorRuns"/> or <see cref="AnalyzeWholeText"/>, which always run the pattern).
    /// </summary>
    protected virtual void MatchRun(string text, int from, int to, List<Finding> results) => MatchIn(text, from, to, results);

    /// <summary>Runs <see cref="Pattern"/> (or <paramref name="pattern"/>) over text[from..to) and considers every match.</summary>
    protected void MatchIn(string text, int from, int to, List<Finding> results, Regex? pattern = null)
    {
        foreach (var m in (pattern ?? (_pattern ??= Pattern)).EnumerateMatches(text.AsSpan(from, to - from)))
        {
            Consider(text, from + m.Index, from + m.Index + m.Length, results);
        }
    }

    /// <summary>Validates one candidate, applies context and reports it.</summary>
    protected void Consider(string text, int start, int end, List<Finding> results)
    {
        var score = BaseScore;
        if (!Validate(text, ref start, ref end, ref score))
        {
            return;
        }

        var hasContext = Context.Near(text, start, end);
        if (RequiresContext && !hasContext)
        {
            return;
        }

        if (hasContext)
        {
            score = Math.Min(1.0, score + ContextBoost);
        }

        results.Add(new Finding(EntityType, start, end, score, Name, KindOf(text, start, end)));
    }

    /// <summary>Checks a candidate; may move its bounds or change its score. Return false to drop it.</summary>
    protected virtual bool Validate(string text, ref int start, ref int end, ref double score) => true;

    protected virtual string? KindOf(string text, int start, int end) => null;

    /// <summary>True when the characters just outside [start, end) are not letters or digits.</summary>
    protected static bool Bounded(string text, int start, int end) =>
        (start == 0 || !char.IsLetterOrDigit(text[start - 1])) && (end >= text.Length || !char.IsLetterOrDigit(text[end]));

    /// <summary>ASCII digits, the anchor of most numeric recognizers.</summary>
    protected static SearchValues<char> DigitAnchors { get; } = SearchValues.Create("0123456789");

    /// <summary>Copies the ASCII digits of a span into <paramref name="buffer"/>; returns how many.</summary>
    protected static int Digits(ReadOnlySpan<char> s, Span<char> buffer)
    {
        var n = 0;
        foreach (var c in s)
        {
            if (char.IsAsciiDigit(c))
            {
                if (n == buffer.Length)
                {
                    return -1;
                }

                buffer[n++] = c;
            }
        }

        return n;
    }
}
