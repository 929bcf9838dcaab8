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

    private readonly InjectionDetectorOptions _options;
    private readonly LinearTextModel _model;

    /// <summary>Creates a detector with the model shipped in Warden.Core.</summary>
    public InjectionDetector(InjectionDetectorOptions? options = null)
        : this(options, LinearTextModel.LoadEmbedded())
    {
    }

    internal InjectionDetector(InjectionDetectorOptions? options, LinearTextModel model)
    {
        _options = options ?? new InjectionDetectorOptions();
        _options.Validate();
        _model = model;
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
                foreach (var m in rule.Pattern.EnumerateMatches(text))
                {
                    notRule *= 1 - rule.Weight;
                    signals.Add(new InjectionSignal(prefix + rule.Id, rule.Weight, hiddenKind is null ? m.Index : -1, m.Length));
                    break;
                }
            }
        }

        return 1 - ((1 - clf) * notRule);
    }

    /// <summary>Maximum classifier probability over the whole text (when short) and every segment.</summary>
    internal double Classify(string text, out int offset, out int length)
    {
        offset = 0;
        length = text.Length;
        var best = float.NegativeInfinity;
        if (text.Length <= WholeTextLimit)
        {
            best = _model.Logit(text);
        }

        var segments = new List<(int Start, int Length)>();
        TextSegments.Split(text, segments);
        if (segments.Count > 1 || text.Length > WholeTextLimit)
        {
            foreach (var (s, l) in segments)
            {
                var logit = _model.Logit(text.AsSpan(s, l));
                if (logit > best)
                {
                    best = logit;
                    offset = s;
                    length = l;
                }
            }
        }

        return float.IsNegativeInfinity(best) ? 0 : LinearTextModel.Sigmoid(best);
    }
}
