namespace Warden.Core.Screening;

/// <summary>
/// Scores how likely text carries instructions aimed at a model. Two signal families are combined as a
/// noisy-OR: hand-written rules (<see cref="InjectionRules"/>) and a linear n-gram classifier
/// (<see cref="LinearTextModel"/>) scored on the whole text and on each sentence-like segment, so an
/// instruction buried in a long email is not diluted. Text recovered from hiding places is scored too.
/// </summary>
public sealed class InjectionDetector
{
    private const int WholeTextLimit = 2000;
    private const int DocumentMinChars = 180;
    private const int DocumentRampChars = 120;

    private readonly InjectionDetectorOptions _options;
    private readonly LinearTextModel _direct;
    private readonly LinearTextModel _indirect;
    private readonly float[] _pairs;

    /// <summary>Creates a detector with the model shipped in Warden.Core.</summary>
    public InjectionDetector(InjectionDetectorOptions? options = null)
        : this(options, LinearTextModel.LoadEmbedded(LinearTextModel.DirectHead), LinearTextModel.LoadEmbedded(LinearTextModel.IndirectHead))
    {
    }

    internal InjectionDetector(InjectionDetectorOptions? options, LinearTextModel direct, LinearTextModel indirect)
    {
        _options = options ?? new InjectionDetectorOptions();
        _options.Validate();
        _direct = direct;
        _indirect = indirect;
        _pairs = LinearTextModel.Interleave(direct, indirect);
    }

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
                if (rule.TryMatch(text, out var index, out var length))
                {
                    notRule *= 1 - rule.Weight;
                    signals.Add(new InjectionSignal(prefix + rule.Id, rule.Weight, hiddenKind is null ? index : -1, length));
                }
            }
        }

        return 1 - ((1 - clf) * notRule);
    }

    /// <summary>
    /// Classifier probability: the direct head on the whole text (when short) and on every segment, and the
    /// indirect head over the segments of a document. The indirect head learns "an instruction to the reader
    /// inside data"; its document logit is the top segment minus half the runner-up (an injected instruction
    /// stands out from its document, while marketing copy is imperative all the way through). In a short
    /// standalone prompt an instruction is just a request, so the indirect head is gated by document length.
    /// </summary>
    internal double Classify(string text, out int offset, out int length)
    {
        offset = 0;
        length = text.Length;
        var best = 0.0;
        if (text.Length <= WholeTextLimit)
        {
            best = LinearTextModel.Sigmoid(_direct.Logit(text) + _direct.Offset);
        }

        var segments = new List<(int Start, int Length)>();
        TextSegments.Split(text, segments);
        if (segments.Count <= 1 && text.Length <= WholeTextLimit)
        {
            return best;
        }

        var gate = Math.Clamp((text.Length - DocumentMinChars) / (double)DocumentRampChars, 0, 1);
        float top1 = float.NegativeInfinity, top2 = float.NegativeInfinity;
        int top1At = 0, top1Len = 0;
        foreach (var (s, l) in segments)
        {
            var seg = text.AsSpan(s, l);
            float ld, li = float.NegativeInfinity;
            if (gate > 0)
            {
                (ld, li) = LinearTextModel.Logits(seg, _pairs, _direct, _indirect);
            }
            else
            {
                ld = _direct.Logit(seg);
            }

            double p = LinearTextModel.Sigmoid(ld + _direct.Offset);
            if (p > best)
            {
                best = p;
                offset = s;
                length = l;
            }

            if (li > top1)
            {
                (top2, top1, top1At, top1Len) = (top1, li, s, l);
            }
            else if (li > top2)
            {
                top2 = li;
            }
        }

        if (gate > 0)
        {
            var pi = gate * LinearTextModel.Sigmoid(IndirectDocumentLogit(top1, top2) + _indirect.Offset);
            if (pi > best)
            {
                best = pi;
                offset = top1At;
                length = top1Len;
            }
        }

        return best;
    }

    /// <summary>Top segment logit minus half the runner-up (when positive).</summary>
    internal static float IndirectDocumentLogit(float top1, float top2) =>
        top1 - (0.5f * MathF.Max(float.IsNegativeInfinity(top2) ? 0 : top2, 0));
}
