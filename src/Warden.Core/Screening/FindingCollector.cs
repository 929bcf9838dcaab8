namespace Warden.Core.Screening;

/// <summary>Collects findings and hidden payloads with hard bounds (a hostile page cannot grow them without limit).</summary>
internal sealed class FindingCollector(SanitizerOptions options)
{
    private readonly List<ScreeningFinding> _findings = [];
    private readonly List<HiddenPayload> _payloads = [];
    private int _dropped;

    public IReadOnlyList<ScreeningFinding> Findings => _findings;

    public IReadOnlyList<HiddenPayload> Payloads => _payloads;

    public SanitizerOptions Options => options;

    public void Add(FindingKind kind, int offset, int length, string detail)
    {
        if (_findings.Count < options.MaxFindings - 1)
        {
            _findings.Add(new ScreeningFinding(kind, offset, length, detail));
        }
        else if (_findings.Count == options.MaxFindings - 1)
        {
            _dropped++;
            _findings.Add(new ScreeningFinding(kind, offset, length, "finding limit reached; further findings counted only"));
        }
        else
        {
            _dropped++;
        }
    }

    public int DroppedFindings => _dropped;

    public void AddPayload(FindingKind kind, ReadOnlySpan<char> text)
    {
        text = text.Trim();
        if (text.IsEmpty || _payloads.Count >= options.MaxPayloads)
        {
            return;
        }

        if (text.Length > options.MaxPayloadChars)
        {
            text = text[..options.MaxPayloadChars];
        }

        _payloads.Add(new HiddenPayload(kind, text.ToString()));
    }
}
