using Warden.Core.Detection.Names;
using Warden.Core.Detection.Recognizers;

namespace Warden.Core.Detection;

/// <summary>
/// Runs the recognizers over a text, applies the allow- and deny-lists and the score threshold, and
/// resolves overlaps. Thread-safe; build one per <see cref="DetectionOptions"/> snapshot and share it.
/// </summary>
public sealed class DetectionEngine
{
    private readonly IRecognizer[] _recognizers;

    private readonly double _minScore;

    /// <summary>Each recognizer's <see cref="IRecognizer.EntityTypes"/>, copied once (as <see cref="SupportedTypes"/> is).</summary>
    private readonly string[][] _recognizerTypes;
    private readonly HashSet<string> _allow;
    private readonly string[] _deny;

    /// <summary>Builds an engine; throws <see cref="ArgumentException"/> when <paramref name="options"/> are invalid.</summary>
    public DetectionEngine(DetectionOptions? options = null, IEnumerable<IRecognizer>? extraRecognizers = null)
    {
        Options = options ?? new DetectionOptions();
        Options.Validate();
        var list = new List<IRecognizer>
        {
            new EmailRecognizer(),
            new PhoneRecognizer(Options.PhoneRegions),
            new CreditCardRecognizer(),
            new IbanRecognizer(),
            new UsSsnRecognizer(),
            new IpAddressRecognizer(),
            new MacAddressRecognizer(),
            new UrlRecognizer(),
            new CryptoRecognizer(),
            new UsDriverLicenseRecognizer(),
            new UsPassportRecognizer(),
            new UkNhsRecognizer(),
            new UkNinoRecognizer(),
            new EsNifRecognizer(),
            new ItFiscalCodeRecognizer(),
            new PlPeselRecognizer(),
            new DateTimeRecognizer(),
            new SecretRecognizer(),
        };
        if (Options.NamedEntities)
        {
            list.Add(new NamedEntityRecognizer());
        }

        list.AddRange(Options.CustomRecognizers.Select(c => new CustomPatternRecognizer(c)));
        list.AddRange(extraRecognizers ?? []);
        _recognizers = [.. list];
        _minScore = Options.MinScore;
        _recognizerTypes = [.. list.Select(r => r.EntityTypes.ToArray())];
        _allow = new HashSet<string>(Options.AllowList.Where(a => a.Length > 0), StringComparer.OrdinalIgnoreCase);
        _deny = Options.DenyList.Where(d => d.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        SupportedTypes = _recognizers.SelectMany(r => r.EntityTypes).Append(Options.DenyListType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    public DetectionOptions Options { get; }

    /// <summary>The recognizers in run order (for benchmarks and tests).</summary>
    internal IReadOnlyList<IRecognizer> Recognizers => _recognizers;

    /// <summary>Every entity type some recognizer can report.</summary>
    public IReadOnlyList<string> SupportedTypes { get; }

    /// <summary>Per thread, the list the recognizers add to (reused: a PII-dense megabyte yields thousands of candidates).</summary>
    [ThreadStatic]
    private static List<Finding>? t_candidates;

    /// <summary>Finds entities in <paramref name="text"/>; <paramref name="entityTypes"/> (null = all) limits what is reported.</summary>
    public IReadOnlyList<Finding> Analyze(string text, IReadOnlyCollection<string>? entityTypes = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return new List<Finding>();
        }

        // Taken, not shared: a recognizer that calls the engine again gets a list of its own.
        var raw = t_candidates ?? new List<Finding>(64);
        t_candidates = null;
        var outerDigitRuns = DigitRuns.BeginShare(text);
        try
        {
            var recognizers = _recognizers;
            for (var i = 0; i < recognizers.Length; i++)
            {
                if (entityTypes is not null && !ReportsAny(_recognizerTypes[i], entityTypes))
                {
                    continue;
                }

                recognizers[i].Analyze(text, raw);
            }

            AddDenyHits(text, raw);
            var kept = 0;
            var all = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(raw);
            foreach (var f in all)
            {
                if (f.Score < _minScore || f.Start < 0 || f.End > text.Length || f.Length <= 0)
                {
                    continue;
                }

                if (entityTypes is not null && !entityTypes.Contains(f.Type))
                {
                    continue;
                }

                if (_allow.Count > 0 && _allow.GetAlternateLookup<ReadOnlySpan<char>>().Contains(text.AsSpan(f.Start, f.Length)))
                {
                    continue;
                }

                all[kept++] = f;
            }

            raw.RemoveRange(kept, raw.Count - kept);
            return kept <= 1 ? new List<Finding>(raw) : OverlapResolver.Resolve(raw);
        }
        finally
        {
            DigitRuns.EndShare(outerDigitRuns);
            raw.Clear();
            if (raw.Capacity <= MaxPooledCandidates)
            {
                t_candidates = raw;
            }
        }
    }

    /// <summary>Whether one of <paramref name="types"/> is wanted (no delegate or enumerator per recognizer and call).</summary>
    private static bool ReportsAny(string[] types, IReadOnlyCollection<string> wanted)
    {
        foreach (var type in types)
        {
            if (wanted.Contains(type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Candidate lists larger than this are not kept between calls (bounded memory per thread).</summary>
    private const int MaxPooledCandidates = 1 << 16;

    private void AddDenyHits(string text, List<Finding> results)
    {
        foreach (var d in _deny)
        {
            var from = 0;
            while (from < text.Length)
            {
                var i = text.AsSpan(from).IndexOf(d, StringComparison.OrdinalIgnoreCase);
                if (i < 0)
                {
                    break;
                }

                var s = from + i;
                results.Add(new Finding(Options.DenyListType, s, s + d.Length, 1.0, "DenyList"));
                from = s + d.Length;
            }
        }
    }
}
