namespace Warden.Core.Screening;

/// <summary>
/// Scores how likely text carries instructions aimed at a model. Two signal families are combined as a
/// noisy-OR: hand-written rules (<see cref="InjectionRules"/>) and a linear n-gram classifier
/// (<see cref="LinearTextModel"/>) scored on the whole text and on each sentence-like segment, so an
/// instruction buried in a long email is not diluted. Text recovered from hiding places is scored too.
/// </summary>
public sealed partial class InjectionDetector
{
    private const int WholeTextLimit = 2000;
    private const int DocumentMinChars = 180;
    private const int DocumentRampChars = 120;

    private readonly InjectionDetectorOptions _options;
    private readonly LinearTextModel _direct;
    private readonly LinearTextModel _indirect;
    private readonly DocumentCombiner _combiner;
    private readonly SecondOpinion? _second;

    // The heads' weights interleaved for one featurization pass: (direct, indirect) pairs, or quads of the direct head and up to
    // three indirect heads (one per pair).
    private readonly float[] _interleaved;

    // The direct head, then each pair's indirect head; and each pair's combiner: the first, then the second opinion's one or two.
    private readonly LinearTextModel[] _heads;
    private readonly DocumentCombiner[] _combiners;

    /// <summary>Creates a detector with the model shipped in Warden.Core.</summary>
    public InjectionDetector(InjectionDetectorOptions? options = null)
        : this(options, LinearTextModel.LoadEmbedded(LinearTextModel.DirectHead), LinearTextModel.LoadEmbedded(LinearTextModel.IndirectHead), EmbeddedCombiner.Value, EmbeddedSecond.Value)
    {
    }

    internal InjectionDetector(InjectionDetectorOptions? options, LinearTextModel direct, LinearTextModel indirect)
        : this(options, direct, indirect, EmbeddedCombiner.Value)
    {
    }

    internal InjectionDetector(InjectionDetectorOptions? options, LinearTextModel direct, LinearTextModel indirect, DocumentCombiner combiner)
        : this(options, direct, indirect, combiner, null)
    {
    }

    internal InjectionDetector(InjectionDetectorOptions? options, LinearTextModel direct, LinearTextModel indirect, DocumentCombiner combiner, SecondOpinion? second)
    {
        _options = options ?? new InjectionDetectorOptions();
        _options.Validate();
        _direct = direct;
        _indirect = indirect;
        _combiner = combiner;
        _second = second;
        (_heads, _combiners) = second switch
        {
            null => ([direct, indirect], [combiner]),
            { ThirdIndirect: null } => ([direct, indirect, second.Indirect], new[] { combiner, second.Combiner }),
            _ => (new[] { direct, indirect, second.Indirect, second.ThirdIndirect }, new[] { combiner, second.Combiner, second.ThirdCombiner! }),
        };
        _interleaved = second is null ? LinearTextModel.Interleave(direct, indirect) : LinearTextModel.Interleave(_heads);
    }

    private static readonly Lazy<DocumentCombiner> EmbeddedCombiner = new(() => DocumentCombiner.LoadEmbedded());

    private static readonly Lazy<SecondOpinion> EmbeddedSecond = new(SecondOpinion.LoadEmbedded);

    /// <summary>The decision threshold in use.</summary>
    public double Threshold => _options.Threshold;

    /// <summary>Scores plain text (no sanitizing).</summary>
    public InjectionAssessment Assess(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var signals = new List<InjectionSignal>();
        var score = ScoreText(text, signals, hiddenKind: null);
        return Finish(score, signals);
    }

    /// <summary>Scores sanitized content: its detection text and every hidden payload.</summary>
    public InjectionAssessment Assess(SanitizedContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var signals = new List<InjectionSignal>();
        var score = ScoreText(content.DetectionText, signals, hiddenKind: null);
        foreach (var payload in content.HiddenPayloads)
        {
            score = Math.Max(score, ScoreText(payload.Text, signals, payload.Kind));
        }

        return Finish(score, signals);
    }

    private InjectionAssessment Finish(double score, List<InjectionSignal> signals)
    {
        signals.Sort((a, b) => b.Score.CompareTo(a.Score));
        score = Math.Clamp(score, 0, 1);
        return new InjectionAssessment(score, score >= _options.Threshold, signals);
    }

    private double ScoreText(string text, List<InjectionSignal> signals, FindingKind? hiddenKind)
    {
        var prefix = hiddenKind is null ? string.Empty : "hidden." + hiddenKind.Value + ".";
        var clf = 0.0;
        if (_options.UseClassifier)
        {
            clf = Classify(text, out var at, out var len);
            if (clf >= 0.05)
            {
                signals.Add(new InjectionSignal(prefix + "classifier", clf, hiddenKind is null ? at : -1, len));
            }
        }

        var notRule = 1.0;
        if (_options.UseRules)
        {
            foreach (var rule in InjectionRules.All)
            {
                if (rule.TryMatch(text, rule.Negatable ? IsNegated : null, out var index, out var length))
                {
                    var weight = RuleWeight(rule.Weight, text, index, length, _options.UseClassifier ? clf : 1);
                    notRule *= 1 - weight;
                    signals.Add(new InjectionSignal(prefix + rule.Id, weight, hiddenKind is null ? index : -1, length));
                }
            }
        }

        return 1 - ((1 - clf) * notRule);
    }

    /// <summary>
    /// Classifier probability: the direct head on the whole text (when short) and on every segment, and the
    /// indirect head over the segments of a document. The indirect evidence of a segment is its n-gram logits
    /// plus its <see cref="DiscourseFeatures"/> (topic shift, address to the reader, question, position), and
    /// the <see cref="DocumentCombiner"/> turns the top segments into a document logit. In a short standalone
    /// prompt an instruction is just a request, so the indirect part is gated by document length.
    /// </summary>
    internal double Classify(string text, out int offset, out int length)
    {
        offset = 0;
        length = text.Length;
        var best = 0.0;

        // The document's direct logit (a combiner input since stop 22): the direct head's highest logit on the whole text or a segment.
        var directMax = float.NegativeInfinity;
        if (text.Length <= WholeTextLimit)
        {
            directMax = _direct.Logit(text);
            best = LinearTextModel.Sigmoid(directMax + _direct.Offset);
        }

        var segments = new List<(int Start, int Length)>();
        TextSegments.Split(text, segments);
        if (segments.Count <= 1 && text.Length <= WholeTextLimit)
        {
            return best;
        }

        var gate = Math.Clamp((text.Length - DocumentMinChars) / (double)DocumentRampChars, 0, 1);

        // In a document the direct head's own probability counts with the combiner's weight for it (1 in round 4's file).
        var directScale = 1 - (gate * (1 - _combiner.DirectInDocuments));
        best *= directScale;
        using var discourse = gate > 0 ? DiscourseFeatures.Analyze(text) : null;

        // Combiner input rows of the previous, current and next segment, per pair (a segment's row is completed once its
        // successor's n-gram logit is known: one pass, no per-segment storage).
        const int n = DocumentCombiner.SegmentInputs;
        var pairs = _combiners.Length;
        Span<float> rows = stackalloc float[pairs * 3 * n];
        Span<float> logits = stackalloc float[pairs + 1];
        Span<TopSegments> states = stackalloc TopSegments[pairs];
        states.Fill(new TopSegments());
        for (var i = 0; i < segments.Count; i++)
        {
            var (s, l) = segments[i];
            var seg = text.AsSpan(s, l);
            float ld;
            if (discourse is not null)
            {
                SegmentLogits(seg, logits);
                ld = logits[0];
                var row = rows.Slice((i % 3) * n, n);
                row[0] = logits[1];
                row[1] = ld;
                discourse.Fill(seg, i, segments.Count, row[2..]);
                for (var p = 0; p < pairs; p++)
                {
                    // The discourse features are the document's, not a head's: another pair's row differs only in its indirect logit.
                    var own = rows.Slice((p * 3 * n) + ((i % 3) * n), n);
                    if (p > 0)
                    {
                        row.CopyTo(own);
                        own[0] = logits[p + 1];
                    }

                    if (i > 0)
                    {
                        Complete(ref states[p], _combiners[p], rows.Slice(p * 3 * n, 3 * n), i - 1, own, segments);
                    }
                }
            }
            else
            {
                ld = _direct.Logit(seg);
            }

            directMax = Math.Max(directMax, ld);
            var prob = directScale * LinearTextModel.Sigmoid(ld + _direct.Offset);
            if (prob > best)
            {
                best = prob;
                offset = s;
                length = l;
            }
        }

        if (discourse is not null)
        {
            // Each pair's calibrated document logit; the evidence shown is the top segment of the pair that is most certain.
            Span<float> z = stackalloc float[3];
            z.Clear();
            var top = 0;
            for (var p = 0; p < pairs; p++)
            {
                if (segments.Count > 0)
                {
                    Complete(ref states[p], _combiners[p], rows.Slice(p * 3 * n, 3 * n), segments.Count - 1, [], segments);
                }

                z[p] = CalibratedDocumentLogit(_combiners[p], states[p], segments.Count, directMax);
                top = z[p] > z[top] ? p : top;
            }

            var mixed = _second is null ? z[0] : _second.Mix(z[0], z[1], z[2]);
            var pi = gate * LinearTextModel.Sigmoid(mixed);
            if (pi > best)
            {
                best = pi;
                offset = states[top].Top1At;
                length = states[top].Top1Len;
            }
        }

        return best;
    }

    /// <summary>One featurization pass over a segment: the direct logit, then each pair's indirect logit, into <paramref name="logits"/>.</summary>
    private void SegmentLogits(ReadOnlySpan<char> seg, Span<float> logits)
    {
        if (_second is null)
        {
            (logits[0], logits[1]) = LinearTextModel.Logits(seg, _interleaved, _direct, _indirect);
        }
        else
        {
            LinearTextModel.Logits(seg, _interleaved, _heads, logits);
        }
    }

    /// <summary>A pair's document logit from its top segments, shifted by its combiner's calibration offset.</summary>
    private static float CalibratedDocumentLogit(DocumentCombiner combiner, in TopSegments state, int segments, float directMax) =>
        combiner.DocumentLogit(state.Top1, state.Top2, segments, state.Sum / segments, directMax) + combiner.Offset;

    /// <summary>Completes segment <paramref name="j"/>'s row with its neighbours and folds its combiner logit into <paramref name="state"/>.</summary>
    private static void Complete(ref TopSegments state, DocumentCombiner combiner, Span<float> rows, int j, ReadOnlySpan<float> next, List<(int Start, int Length)> segments)
    {
        const int n = DocumentCombiner.SegmentInputs;
        var row = rows.Slice((j % 3) * n, n);
        DiscourseFeatures.FillNeighbours(row, j > 0 ? rows.Slice(((j - 1) % 3) * n, n) : [], next);
        var g = combiner.SegmentLogit(row);
        state.Sum += g;
        if (g > state.Top1)
        {
            (state.Top2, state.Top1, state.Top1At, state.Top1Len) = (state.Top1, g, segments[j].Start, segments[j].Length);
        }
        else if (g > state.Top2)
        {
            state.Top2 = g;
        }
    }

    private struct TopSegments()
    {
        public float Top1 = float.NegativeInfinity;
        public float Top2 = float.NegativeInfinity;
        public float Sum;
        public int Top1At;
        public int Top1Len;
    }

    /// <summary>The combiner inputs of every segment of <paramref name="text"/> (training and diagnostics).</summary>
    internal static List<float[]> SegmentInputs(string text, LinearTextModel direct, LinearTextModel indirect)
    {
        var segments = new List<(int Start, int Length)>();
        TextSegments.Split(text, segments);
        using var discourse = DiscourseFeatures.Analyze(text);
        var rows = new List<float[]>(segments.Count);
        for (var i = 0; i < segments.Count; i++)
        {
            var seg = text.AsSpan(segments[i].Start, segments[i].Length);
            var x = new float[DocumentCombiner.SegmentInputs];
            x[0] = indirect.Logit(seg);
            x[1] = direct.Logit(seg);
            discourse.Fill(seg, i, segments.Count, x.AsSpan(2));
            rows.Add(x);
        }

        for (var i = 0; i < rows.Count; i++)
        {
            DiscourseFeatures.FillNeighbours(rows[i], i > 0 ? rows[i - 1] : [], i + 1 < rows.Count ? rows[i + 1] : []);
        }

        return rows;
    }
}
